/**
 * @module client/core/pending-requests — request correlation by id, with timeouts and two-phase answers.
 *
 * Each request waits for the `res` frame with its id. A two-phase method (OpenClaw's `agent`) answers
 * twice on one id: an interim `{status:"accepted"}` and then the final payload; such a request hands
 * the interim one to `onAck` and keeps waiting. Requests are never replayed: when the connection ends
 * every pending one fails with the transport's error.
 */
import type { ErrorShape } from '../../protocol/index.js';
import type { ClientClock } from './clock.js';
import { GatewayRequestError, GatewayTransportError } from './errors.js';

export interface TrackOptions {
  timeoutMs: number;
  /** Two-phase: an ok payload with `status: "accepted"` is an ack, not the answer. */
  expectFinal: boolean;
  /** Called with each interim ack of a two-phase request. */
  onAck?: ((ack: unknown) => void) | undefined;
}

interface PendingRequest extends TrackOptions {
  method: string;
  resolve(payload: unknown): void;
  reject(error: Error): void;
  timer: unknown;
}

/** A `res` frame as the correlator reads it (already known to be an object with a string id). */
export interface ResponseLike {
  id: string;
  ok: boolean;
  payload?: unknown;
  error?: unknown;
}

/** True for OpenClaw's interim acceptance payload. */
export function isAcceptedAck(payload: unknown): boolean {
  return typeof payload === 'object' && payload !== null && (payload as Record<string, unknown>)['status'] === 'accepted';
}

export class PendingRequests {
  readonly #clock: ClientClock;
  readonly #pending = new Map<string, PendingRequest>();

  constructor(clock: ClientClock) {
    this.#clock = clock;
  }

  get size(): number {
    return this.#pending.size;
  }

  /** Resolves with the final payload of request `id`, or rejects on error, timeout or connection loss. */
  track(id: string, method: string, options: TrackOptions): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      const timer = this.#clock.setTimeout(() => {
        this.#pending.delete(id);
        reject(new GatewayTransportError(`gateway timeout after ${options.timeoutMs}ms waiting for ${method}`, { stage: 'ready', kind: 'TIMEOUT' }));
      }, options.timeoutMs);
      this.#pending.set(id, { ...options, method, resolve, reject, timer });
    });
  }

  /** Settles the request a `res` frame answers; returns false when no request waits for that id. */
  settle(response: ResponseLike): boolean {
    const pending = this.#pending.get(response.id);
    if (pending === undefined) return false;
    if (response.ok && pending.expectFinal && isAcceptedAck(response.payload)) {
      pending.onAck?.(response.payload);
      return true;
    }
    this.#pending.delete(response.id);
    this.#clock.clearTimeout(pending.timer);
    if (response.ok) pending.resolve(response.payload);
    else pending.reject(new GatewayRequestError(pending.method, toErrorShape(response.error)));
    return true;
  }

  /** Fails every pending request with `error` (the connection ended). */
  failAll(error: Error): void {
    for (const [id, pending] of this.#pending) {
      this.#clock.clearTimeout(pending.timer);
      this.#pending.delete(id);
      pending.reject(error);
    }
  }
}

/** The wire error as an ErrorShape; anything malformed becomes a generic UNAVAILABLE shape. */
export function toErrorShape(error: unknown): ErrorShape {
  if (typeof error !== 'object' || error === null) return { code: 'UNAVAILABLE', message: 'malformed error response' };
  const record = error as Record<string, unknown>;
  const shape: ErrorShape = {
    code: typeof record['code'] === 'string' ? record['code'] : 'UNAVAILABLE',
    message: typeof record['message'] === 'string' ? record['message'] : 'malformed error response',
  };
  if (typeof record['details'] === 'object' && record['details'] !== null) shape.details = record['details'] as Record<string, unknown>;
  if (typeof record['retryable'] === 'boolean') shape.retryable = record['retryable'];
  if (typeof record['retryAfterMs'] === 'number') shape.retryAfterMs = record['retryAfterMs'];
  return shape;
}
