/**
 * @module gateway/nodes/invoker — routes one `node.invoke` to a node and parks it until the result.
 *
 * Sequence (OpenClaw protocol, "node.invoke end to end"): the gateway sends the node the event
 * `node.invoke.request {id, nodeId, command, paramsJSON, timeoutMs, idempotencyKey}` and waits for
 * the node's `node.invoke.result {id, nodeId, ok, payload|payloadJSON|error}`. Outcomes: the result,
 * NODE_INVOKE_TIMEOUT, REQUEST_ABORTED when the caller's signal aborts (the agent's run was
 * cancelled), or NOT_CONNECTED when the node goes away first.
 *
 * Idempotency is not handled here: `node.invoke` declares it on its method definition and the
 * dispatcher dedupes once (gateway/idempotency.ts), so a repeat never reaches the node twice.
 */
import { GatewayError, type NodeInvokeRequestEvent, type NodeInvokeResultParams } from '../../protocol/index.js';
import { systemClock, type Clock, type TimerHandle } from '../../time/index.js';
import type { NodeSession } from './registry.js';

export interface NodeInvokerOptions {
  createId: () => string;
  /** Timers for invoke timeouts (default: the system clock). */
  clock?: Clock;
}

export interface NodeInvokeRequest {
  session: NodeSession;
  command: string;
  /** Already sanitized params; sent to the node as a JSON string. */
  params: unknown;
  timeoutMs: number;
  idempotencyKey: string;
  /** Aborting it fails the invoke with REQUEST_ABORTED (a late node result is then ignored). */
  signal?: AbortSignal | undefined;
}

export interface NodeInvokeOutcome {
  payload: unknown;
  payloadJSON: string | null;
}

interface PendingInvoke {
  nodeId: string;
  connId: string;
  command: string;
  timeoutMs: number;
  timer: TimerHandle;
  resolve(outcome: NodeInvokeOutcome): void;
  reject(error: GatewayError): void;
  onAbort: (() => void) | undefined;
  signal: AbortSignal | undefined;
}

export class NodeInvoker {
  readonly #createId: () => string;
  readonly #clock: Clock;
  readonly #pending = new Map<string, PendingInvoke>();

  constructor(options: NodeInvokerOptions) {
    this.#createId = options.createId;
    this.#clock = options.clock ?? systemClock;
  }

  /** Sends the request to the node and resolves with its result (or rejects with a coded error). */
  invoke(request: NodeInvokeRequest): Promise<NodeInvokeOutcome> {
    const { session, command, params, timeoutMs, idempotencyKey, signal } = request;
    if (signal?.aborted === true) return Promise.reject(aborted(command, signal.reason));
    const id = this.#createId();
    const outcome = new Promise<NodeInvokeOutcome>((resolve, reject) => {
      const timer = this.#clock.setTimeout(() => {
        if (!this.#settle(id)) return;
        reject(new GatewayError('NODE_INVOKE_TIMEOUT', { nodeId: session.nodeId, command, timeoutMs, nodeError: { code: 'TIMEOUT', message: 'node invoke timed out' }, nodeCommandDispatched: true }));
      }, timeoutMs);
      const onAbort =
        signal === undefined
          ? undefined
          : (): void => {
              if (this.#settle(id)) reject(aborted(command, signal.reason));
            };
      if (signal !== undefined && onAbort !== undefined) signal.addEventListener('abort', onAbort, { once: true });
      this.#pending.set(id, { nodeId: session.nodeId, connId: session.connId, command, timeoutMs, timer, resolve, reject, onAbort, signal });
    });
    const event: NodeInvokeRequestEvent = { id, nodeId: session.nodeId, command, timeoutMs, idempotencyKey };
    // Params travel as a JSON string (OpenClaw `paramsJSON`); absent params are not sent at all.
    if (params !== undefined) event.paramsJSON = JSON.stringify(params);
    session.send('node.invoke.request', event);
    return outcome;
  }

  /**
   * Delivers a node's result. `callerNodeId` is the node id of the connection that sent it: a result
   * naming another node, or answering another node's invoke, is NODE_ID_MISMATCH. An unknown or late
   * id is acknowledged and ignored, as OpenClaw does.
   */
  deliverResult(callerNodeId: string, result: NodeInvokeResultParams): { ok: true; ignored?: true } {
    if (result.nodeId !== callerNodeId) throw new GatewayError('NODE_ID_MISMATCH', { callerNodeId, nodeId: result.nodeId });
    const pending = this.#pending.get(result.id);
    if (pending === undefined) return { ok: true, ignored: true };
    if (pending.nodeId !== callerNodeId) throw new GatewayError('NODE_ID_MISMATCH', { callerNodeId, nodeId: result.nodeId });
    this.#settle(result.id);
    if (result.ok) {
      pending.resolve(outcomeOf(result));
    } else {
      const nodeError = { code: result.error?.code ?? 'UNAVAILABLE', message: result.error?.message ?? 'node command failed' };
      pending.reject(new GatewayError('NODE_INVOKE_FAILED', { command: pending.command, nodeId: pending.nodeId, nodeMessage: nodeError.message, nodeError, nodeCommandDispatched: true }));
    }
    return { ok: true };
  }

  /** Fails every invoke waiting on the connection `connId` (the node disconnected or was replaced). */
  failConnection(connId: string): number {
    let failed = 0;
    for (const [id, pending] of this.#pending) {
      if (pending.connId !== connId) continue;
      this.#settle(id);
      pending.reject(notConnected(pending.nodeId, true));
      failed++;
    }
    return failed;
  }

  /** Invokes waiting for a result right now. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Forgets a pending invoke; false when it was already settled. */
  #settle(id: string): boolean {
    const pending = this.#pending.get(id);
    if (pending === undefined) return false;
    this.#pending.delete(id);
    this.#clock.clearTimeout(pending.timer);
    if (pending.onAbort !== undefined) pending.signal?.removeEventListener('abort', pending.onAbort);
    return true;
  }
}

/** REQUEST_ABORTED for an invoke whose caller gave up (the reason's message when it is an Error). */
function aborted(command: string, reason: unknown): GatewayError {
  return new GatewayError('REQUEST_ABORTED', { method: `node.invoke ${command}`, reason: reason instanceof Error ? reason.message : 'aborted' });
}

/** The NOT_CONNECTED error in OpenClaw's shape (`nodeError`, `nodeCommandDispatched`). */
export function notConnected(nodeId: string, isDispatched: boolean): GatewayError {
  return new GatewayError('NOT_CONNECTED', {
    nodeId,
    nodeError: { code: 'NOT_CONNECTED', message: 'node not connected' },
    nodeCommandDispatched: isDispatched,
  });
}

/** `payload` parsed from `payloadJSON` when present, else the node's `payload`; both sides always set. */
function outcomeOf(result: NodeInvokeResultParams): NodeInvokeOutcome {
  if (result.payloadJSON !== undefined) {
    try {
      return { payload: JSON.parse(result.payloadJSON) as unknown, payloadJSON: result.payloadJSON };
    } catch {
      return { payload: null, payloadJSON: result.payloadJSON };
    }
  }
  if (result.payload === undefined) return { payload: null, payloadJSON: null };
  return { payload: result.payload, payloadJSON: JSON.stringify(result.payload) };
}
