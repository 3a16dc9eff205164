/**
 * @module gateway/dispatcher — runs one request through the shared policy, then its handler.
 *
 * Order (each step a guard with its own error): in-flight cap → method exists → caller's role and
 * scope allow it → params validate → the method's own `authorize` → `preHandler` hooks → not
 * aborted meanwhile → idempotency (join or in-flight answer) → handler. A `GatewayError` becomes
 * its catalogue shape; anything else becomes INTERNAL_ERROR with the request id, and the cause goes
 * only to the log.
 *
 * Long-running methods: the handler's `signal` aborts when the connection closes
 * (`closeConnection()`) or `abort()` is called, and `accept(ack)` sends the interim response on the
 * same id before the final one. The signal is created only when a handler reads it: most requests
 * (health, status, lists) never do, and an AbortController plus listeners per request cost ~5% of
 * the CPU of a `health` call. Aborting goes through the in-flight map by connection, never through a
 * listener per request.
 */
import { GatewayError, type ErrorShape, type RequestFrame, type ResponseFrame } from '../protocol/index.js';
import type { Logger } from '../logging/index.js';
import { systemClock, type Clock } from '../time/index.js';
import { createLoggingHooks, type DispatchHooks, type DispatchRequest } from './dispatch-hooks.js';
import { IdempotencyCache, type RequestOutcome } from './idempotency.js';
import type { CallerInfo, MethodContext } from './method-context.js';
import { checkMethodAccess } from './method-access.js';
import type { IdempotencyPolicy, MethodRegistry, RegisteredMethod } from './method-registry.js';
import type { GatewayServices } from './services.js';
import { InFlightRequest, RequestContext, type ResponseSink } from './request-context.js';

export type { ResponseSink } from './request-context.js';

/** Requests one connection may have running at once (rule 14: a named limit with a safe default). */
export const DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION = 64;

export interface DispatcherOptions {
  registry: MethodRegistry;
  services: GatewayServices;
  logger: Logger;
  clock?: Clock;
  /** Check every result and ack against its schema (tests turn this on; it costs a validation per call). */
  shouldValidateResults?: boolean;
  /** Default 64; past it a request is answered TOO_MANY_IN_FLIGHT at once. */
  maxInFlightPerConnection?: number;
  /** Extra lifecycle hooks, run after the built-in logging hooks. */
  hooks?: readonly DispatchHooks[];
  /** Keys remembered at once by the idempotency cache (default 1,000). */
  maxIdempotencyEntries?: number;
}

/** A final outcome plus the thrown cause, which only hooks (the log) see. */
interface Final {
  outcome: RequestOutcome;
  cause?: unknown;
}

export class Dispatcher {
  readonly #options: DispatcherOptions;
  readonly #clock: Clock;
  readonly #hooks: DispatchHooks[];
  readonly #maxInFlight: number;
  readonly #idempotency: IdempotencyCache;
  /** Per connection, from its first request until `closeConnection` (the connection lifecycle calls it on close). */
  readonly #inFlight = new Map<string, Set<InFlightRequest>>();
  /** One function for every request's `accept` (no closure per request). */
  readonly #acceptAck = (entry: InFlightRequest, ack: unknown): void => this.#accept(entry, ack);

  constructor(options: DispatcherOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#hooks = [createLoggingHooks(options.logger), ...(options.hooks ?? [])];
    this.#maxInFlight = options.maxInFlightPerConnection ?? DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION;
    const cacheOptions: ConstructorParameters<typeof IdempotencyCache>[0] = { clock: this.#clock };
    if (options.maxIdempotencyEntries !== undefined) cacheOptions.maxEntries = options.maxIdempotencyEntries;
    this.#idempotency = new IdempotencyCache(cacheOptions);
  }

  /** Adds lifecycle hooks (features add theirs at start-up). */
  addHooks(hooks: DispatchHooks): void {
    this.#hooks.push(hooks);
  }

  /** Handles one request: sends its interim ack (if any) and final response to `sink`. Never throws. */
  async dispatch(frame: RequestFrame, caller: CallerInfo, sink: ResponseSink): Promise<void> {
    const request: DispatchRequest = { frame, caller, receivedAtMs: this.#clock.now() };
    const startedAt = performance.now();
    for (const hooks of this.#hooks) if (hooks.onRequest !== undefined) this.#safely(() => hooks.onRequest?.(request));
    const running = this.#inFlightOf(caller.connId);
    if (running.size >= this.#maxInFlight) {
      this.#finish(request, sink, failure(new GatewayError('TOO_MANY_IN_FLIGHT', { limit: this.#maxInFlight }), frame), startedAt);
      return;
    }
    const entry = new InFlightRequest(request, sink);
    running.add(entry);
    try {
      this.#finish(request, sink, await this.#run(request, sink, entry), startedAt);
    } finally {
      // The connection's set stays until closeConnection(): dropping and re-creating it per request
      // churned a long-lived Map (old-to-young pointers, rehashes) and cost ~10 µs a request at 256 clients.
      running.delete(entry);
    }
  }

  /** Aborts a running request's signal (e.g. `chat.abort`); false when no such request runs. */
  abort(connId: string, requestId: string, reason = 'cancelled'): boolean {
    for (const entry of this.#inFlight.get(connId) ?? []) {
      if (entry.request.frame.id !== requestId || entry.isAborted) continue;
      this.#abortEntry(entry, reason);
      return true;
    }
    return false;
  }

  /**
   * The connection closed: aborts everything it still has running (REQUEST_ABORTED, "connection
   * closed"). Handlers that read `signal` see it abort; the others finish and their answer is dropped
   * by the closed socket. The connection lifecycle calls this from its close handling.
   */
  closeConnection(connId: string): void {
    const running = this.#inFlight.get(connId);
    if (running === undefined) return;
    this.#inFlight.delete(connId);
    for (const entry of running) this.#abortEntry(entry, 'connection closed');
  }

  /** Requests running on `connId` right now. */
  inFlightCount(connId: string): number {
    return this.#inFlight.get(connId)?.size ?? 0;
  }

  #abortEntry(entry: InFlightRequest, reason: string): void {
    const error = new GatewayError('REQUEST_ABORTED', { method: entry.request.frame.method, reason });
    if (!entry.abort(error)) return;
    for (const hooks of this.#hooks) if (hooks.onRequestAbort !== undefined) this.#safely(() => hooks.onRequestAbort?.(entry.request, error));
  }

  async #run(request: DispatchRequest, sink: ResponseSink, entry: InFlightRequest): Promise<Final> {
    const { frame, caller } = request;
    try {
      const method = this.#options.registry.get(frame.method);
      if (method === undefined) throw new GatewayError('UNKNOWN_METHOD', { method: frame.method });
      checkMethodAccess(frame.method, method.definition.access, caller.role, caller.scopes);
      const params = frame.params ?? {};
      if (!method.params.check(params)) {
        throw new GatewayError('INVALID_PARAMS', { method: frame.method, reason: method.params.explain(params) });
      }
      entry.method = method;
      const context = new RequestContext(entry, this.#options.services, this.#acceptAck);
      method.definition.authorize?.(params, context);
      for (const hooks of this.#hooks) if (hooks.preHandler !== undefined) await hooks.preHandler(request, params);
      // The connection may have closed while a hook awaited: the handler would only see a dead signal.
      if (entry.isAborted) throw entry.reason;
      const policy = method.definition.idempotency;
      const key = policy?.key(params, caller);
      if (policy === undefined || key === undefined) return await this.#invoke(method, params, context);
      return await this.#invokeOnce(request, method, params, context, { policy, key, sink, entry });
    } catch (error) {
      return failure(error, frame);
    }
  }

  /** Runs the handler unless `key` was seen: a repeat joins, or gets the in-flight answer. */
  async #invokeOnce(
    request: DispatchRequest,
    method: RegisteredMethod,
    params: unknown,
    context: MethodContext,
    { policy, key, sink, entry: running }: { policy: IdempotencyPolicy; key: string; sink: ResponseSink; entry: InFlightRequest },
  ): Promise<Final> {
    const cacheKey = `${method.definition.name}\u0000${key}`;
    const fingerprint = policy.fingerprint?.(params) ?? '';
    const seen = this.#idempotency.get(cacheKey);
    if (seen !== undefined) {
      if (seen.fingerprint !== fingerprint) throw new GatewayError('IDEMPOTENCY_KEY_CONFLICT', { idempotencyKey: key });
      if (!seen.isSettled && policy.onDuplicate === 'inFlight') return { outcome: { ok: true, payload: policy.inFlightResult?.(params) } };
      seen.onAck((ack) => sink.sendResponse(ackFrame(request.frame.id, ack)));
      const outcome = await seen.outcome;
      return outcome.ok ? { outcome } : { outcome, cause: outcome.error };
    }
    const entry = this.#idempotency.begin(cacheKey, fingerprint);
    (running.ackListeners ??= []).push((ack) => entry.recordAck(ack));
    const final = await this.#invoke(method, params, context);
    // Cancelled work is never remembered: a retry after a reconnect must run, not replay the abort.
    const isAborted = !final.outcome.ok && final.outcome.error.details?.['code'] === 'REQUEST_ABORTED';
    this.#idempotency.settle(cacheKey, entry, final.outcome, policy.ttlMs, !isAborted && (policy.isRemembered?.(final.outcome) ?? true));
    return final;
  }

  async #invoke(method: RegisteredMethod, params: unknown, context: MethodContext): Promise<Final> {
    const name = method.definition.name;
    try {
      const result = await method.definition.handler(params, context);
      if (this.#options.shouldValidateResults === true && !method.result.check(result)) {
        this.#options.logger.error({ method: name, reason: method.result.explain(result) }, 'result does not match its schema');
        throw new Error(`result of ${name} does not match its schema`);
      }
      return { outcome: { ok: true, payload: result } };
    } catch (error) {
      return failure(error, { method: name, id: context.requestId });
    }
  }

  /** `context.accept(ack)`: the interim response on the request's id, before the final one. */
  #accept(entry: InFlightRequest, ack: unknown): void {
    const { request, method, sink } = entry;
    const { frame } = request;
    if (method === undefined) throw new Error(`${frame.method}: accept() before the method was found`);
    // Both are bugs in the handler, so they surface as INTERNAL_ERROR (with the cause in the log).
    if (method.definition.ack === undefined) throw new Error(`${frame.method} declares no ack schema; accept() is not allowed`);
    if (entry.isAccepted) throw new Error(`${frame.method} called accept() twice`);
    const ackSchema = this.#options.shouldValidateResults === true ? method.ack : undefined;
    if (ackSchema !== undefined && !ackSchema.check(ack)) {
      throw new Error(`ack of ${frame.method} does not match its schema: ${ackSchema.explain(ack)}`);
    }
    entry.isAccepted = true;
    sink.sendResponse(ackFrame(frame.id, ack));
    for (const listener of entry.ackListeners ?? []) listener(ack);
  }

  #finish(request: DispatchRequest, sink: ResponseSink, final: Final, startedAt: number): void {
    const { outcome } = final;
    const id = request.frame.id;
    let response: ResponseFrame;
    if (outcome.ok) response = outcome.payload === undefined ? { type: 'res', id, ok: true } : { type: 'res', id, ok: true, payload: outcome.payload };
    else response = { type: 'res', id, ok: false, error: outcome.error };
    sink.sendResponse(response);
    const durationMs = Math.round((performance.now() - startedAt) * 1000) / 1000;
    // Only hooks that define the callback cost a closure (the logging hooks define no onRequest).
    for (const hooks of this.#hooks) {
      if (outcome.ok) {
        if (hooks.onResponse !== undefined) this.#safely(() => hooks.onResponse?.(request, response, durationMs));
      } else if (hooks.onError !== undefined) this.#safely(() => hooks.onError?.(request, final.cause, durationMs));
    }
  }

  /** Runs an observing hook; a throwing hook is logged, never allowed to break the request. */
  #safely(call: () => void): void {
    try {
      call();
    } catch (error) {
      this.#options.logger.error({ err: error }, 'dispatch hook threw');
    }
  }

  #inFlightOf(connId: string): Set<InFlightRequest> {
    let running = this.#inFlight.get(connId);
    if (running === undefined) this.#inFlight.set(connId, (running = new Set()));
    return running;
  }
}

function ackFrame(id: string, ack: unknown): ResponseFrame {
  return ack === undefined ? { type: 'res', id, ok: true } : { type: 'res', id, ok: true, payload: ack };
}

/** A thrown value as a final outcome: coded errors keep their shape, anything else is INTERNAL_ERROR. */
function failure(error: unknown, frame: Pick<RequestFrame, 'method' | 'id'>): Final {
  const shape: ErrorShape =
    error instanceof GatewayError ? error.toErrorShape() : new GatewayError('INTERNAL_ERROR', { method: frame.method, requestId: frame.id }).toErrorShape();
  return { outcome: { ok: false, error: shape }, cause: error };
}
