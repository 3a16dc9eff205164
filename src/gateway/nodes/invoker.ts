/**
 * @module gateway/nodes/invoker — routes one `node.invoke` to a node and parks it until the result.
 *
 * Sequence (OpenClaw protocol, "node.invoke end to end"): the gateway sends the node the event
 * `node.invoke.request {id, nodeId, command, paramsJSON, timeoutMs, idempotencyKey}` and waits for
 * the node's `node.invoke.result {id, nodeId, ok, payload|payloadJSON|error}`. Outcomes: the result,
 * NODE_INVOKE_TIMEOUT, or NOT_CONNECTED when the node goes away first.
 *
 * Idempotency: an `idempotencyKey` is remembered for `dedupeTtlMs` (5 min) in a cache of at most
 * `maxDedupeEntries` (1,000). A repeat joins the in-flight call or gets the settled outcome; the node
 * never runs the command twice. When the cache is full the oldest settled entry is evicted; in-flight
 * entries are never evicted, so the cache may briefly exceed its bound rather than run a call twice.
 */
import { GatewayError, type NodeInvokeRequestEvent, type NodeInvokeResultParams } from '../../protocol/index.js';
import type { NodeSession } from './registry.js';

/** Timer functions, injected so tests control time. */
export interface InvokeTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface NodeInvokerOptions {
  createId: () => string;
  now: () => number;
  timers?: InvokeTimers;
  dedupeTtlMs?: number;
  maxDedupeEntries?: number;
}

export interface NodeInvokeRequest {
  session: NodeSession;
  command: string;
  /** Already sanitized params; sent to the node as a JSON string. */
  params: unknown;
  timeoutMs: number;
  idempotencyKey: string;
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
  timer: unknown;
  resolve(outcome: NodeInvokeOutcome): void;
  reject(error: GatewayError): void;
}

interface DedupeEntry {
  nodeId: string;
  command: string;
  outcome: Promise<NodeInvokeOutcome>;
  isSettled: boolean;
  expiresAtMs: number;
}

const DEFAULT_TIMERS: InvokeTimers = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class NodeInvoker {
  readonly #options: Required<Omit<NodeInvokerOptions, 'timers'>>;
  readonly #timers: InvokeTimers;
  readonly #pending = new Map<string, PendingInvoke>();
  readonly #dedupe = new Map<string, DedupeEntry>();

  constructor(options: NodeInvokerOptions) {
    this.#options = { dedupeTtlMs: 5 * 60_000, maxDedupeEntries: 1000, ...options };
    this.#timers = options.timers ?? DEFAULT_TIMERS;
  }

  /** Invokes unless `idempotencyKey` was seen; a repeat with another node or command is refused. */
  invoke(request: NodeInvokeRequest): Promise<NodeInvokeOutcome> {
    const { session, command, idempotencyKey } = request;
    this.#evictExpired();
    const seen = this.#dedupe.get(idempotencyKey);
    if (seen !== undefined) {
      if (seen.nodeId !== session.nodeId || seen.command !== command) throw new GatewayError('IDEMPOTENCY_KEY_CONFLICT', { idempotencyKey });
      return seen.outcome;
    }
    const entry: DedupeEntry = {
      nodeId: session.nodeId,
      command,
      outcome: this.#dispatch(request),
      isSettled: false,
      expiresAtMs: this.#options.now() + this.#options.dedupeTtlMs,
    };
    const markSettled = (): void => {
      entry.isSettled = true;
    };
    entry.outcome.then(markSettled, markSettled);
    this.#makeRoom();
    this.#dedupe.set(idempotencyKey, entry);
    return entry.outcome;
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

  #dispatch(request: NodeInvokeRequest): Promise<NodeInvokeOutcome> {
    const { session, command, params, timeoutMs, idempotencyKey } = request;
    const id = this.#options.createId();
    const outcome = new Promise<NodeInvokeOutcome>((resolve, reject) => {
      const timer = this.#timers.setTimeout(() => {
        if (!this.#pending.has(id)) return;
        this.#pending.delete(id);
        reject(new GatewayError('NODE_INVOKE_TIMEOUT', { nodeId: session.nodeId, command, timeoutMs, nodeError: { code: 'TIMEOUT', message: 'node invoke timed out' }, nodeCommandDispatched: true }));
      }, timeoutMs);
      this.#pending.set(id, { nodeId: session.nodeId, connId: session.connId, command, timeoutMs, timer, resolve, reject });
    });
    const event: NodeInvokeRequestEvent = { id, nodeId: session.nodeId, command, timeoutMs, idempotencyKey };
    // Params travel as a JSON string (OpenClaw `paramsJSON`); absent params are not sent at all.
    if (params !== undefined) event.paramsJSON = JSON.stringify(params);
    session.send('node.invoke.request', event);
    return outcome;
  }

  #settle(id: string): void {
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    this.#pending.delete(id);
    this.#timers.clearTimeout(pending.timer);
  }

  #evictExpired(): void {
    const nowMs = this.#options.now();
    for (const [key, entry] of this.#dedupe) {
      if (entry.isSettled && entry.expiresAtMs <= nowMs) this.#dedupe.delete(key);
    }
  }

  #makeRoom(): void {
    if (this.#dedupe.size < this.#options.maxDedupeEntries) return;
    for (const [key, entry] of this.#dedupe) {
      if (!entry.isSettled) continue;
      this.#dedupe.delete(key);
      if (this.#dedupe.size < this.#options.maxDedupeEntries) return;
    }
  }
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
