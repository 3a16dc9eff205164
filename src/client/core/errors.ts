/** @module client/core/errors — what a gateway call can fail with, by stage, so callers can tell "down" from "denied". */
import type { ErrorShape } from '../../protocol/index.js';

/** How far a connection got before it failed. */
export type ConnectionStage = 'socket' | 'upgrade' | 'challenge' | 'connect' | 'ready';

/** The gateway answered a request (or `connect`) with `ok: false`. */
export class GatewayRequestError extends Error {
  readonly shape: ErrorShape;
  readonly method: string;

  constructor(method: string, shape: ErrorShape) {
    super(shape.message);
    this.name = 'GatewayRequestError';
    this.shape = shape;
    this.method = method;
  }

  /** Our catalogue code (`details.code`) when present, else the wire code. */
  get detailCode(): string {
    const details = this.shape.details;
    if (typeof details === 'object' && details !== null && 'code' in details && typeof details.code === 'string') return details.code;
    return this.shape.code;
  }

  get isAuthFailure(): boolean {
    return this.detailCode.startsWith('AUTH_') || this.detailCode === 'PAIRING_REQUIRED' || this.shape.code === 'NOT_PAIRED';
  }
}

/** The transport failed: refused, reset, closed, timed out, or TLS rejected. */
export class GatewayTransportError extends Error {
  readonly stage: ConnectionStage;
  readonly closeCode: number | undefined;
  readonly closeReason: string | undefined;
  /** `ECONNREFUSED`, `ETIMEDOUT`, `TIMEOUT`, `CLOSED`, `TLS` … */
  readonly kind: string;
  /** The gateway said when to try again (a busy refusal's `Retry-After`), in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: { stage: ConnectionStage; kind: string; closeCode?: number; closeReason?: string; retryAfterMs?: number | undefined }) {
    super(message);
    this.name = 'GatewayTransportError';
    this.stage = options.stage;
    this.kind = options.kind;
    this.closeCode = options.closeCode;
    this.closeReason = options.closeReason;
    this.retryAfterMs = options.retryAfterMs;
  }
}
