/**
 * @module gateway/dispatch-hooks — the dispatcher's lifecycle hooks, one vocabulary (fastify's):
 * `onRequest` → `preHandler` → (`onRequestAbort`) → `onResponse` | `onError`.
 *
 * Hooks observe; only `preHandler` may refuse a request (by throwing a `GatewayError`). The built-in
 * timing/logging hooks below are the first user.
 */
import { GatewayError, type ErrorShape, type RequestFrame, type ResponseFrame } from '../protocol/index.js';
import type { Logger } from '../logging/index.js';
import type { CallerInfo } from './method-context.js';

/** The request a hook sees. */
export interface DispatchRequest {
  readonly frame: RequestFrame;
  readonly caller: CallerInfo;
  /** Clock time the dispatcher received it (ms). */
  readonly receivedAtMs: number;
}

export interface DispatchHooks {
  /** A request arrived (before any guard). */
  onRequest?(request: DispatchRequest): void;
  /** Guards passed; the handler is about to run. Throw a `GatewayError` to refuse. */
  preHandler?(request: DispatchRequest, params: unknown): void | Promise<void>;
  /** The final response went out successfully (`ok: true`). */
  onResponse?(request: DispatchRequest, response: ResponseFrame, durationMs: number): void;
  /** The final response is an error; `error` is what was thrown (a cause that never reaches the wire). */
  onError?(request: DispatchRequest, error: unknown, durationMs: number): void;
  /** The request's signal aborted (connection closed or cancelled) before it finished. */
  onRequestAbort?(request: DispatchRequest, reason: unknown): void;
}

/** The default hooks: timing at debug, coded failures at info, unexpected throws at error with the request id. */
export function createLoggingHooks(logger: Logger): DispatchHooks {
  return {
    onResponse: function logResponse({ frame, caller }, _response, durationMs) {
      logger.debug({ method: frame.method, connId: caller.connId, ms: durationMs }, 'rpc ok');
    },
    onError: function logError({ frame, caller }, error, durationMs) {
      if (error instanceof GatewayError) {
        logger.info({ method: frame.method, connId: caller.connId, code: error.code, ms: durationMs }, 'rpc failed');
        return;
      }
      // A repeat that joined a failed request gets its error shape, already logged with the first.
      if (isErrorShape(error)) {
        logger.info({ method: frame.method, connId: caller.connId, code: error.details?.['code'], ms: durationMs, isRepeat: true }, 'rpc failed');
        return;
      }
      logger.error({ method: frame.method, connId: caller.connId, requestId: frame.id, err: error }, 'rpc handler threw');
    },
    onRequestAbort: function logAbort({ frame, caller }, reason) {
      logger.debug({ method: frame.method, connId: caller.connId, reason: reason instanceof Error ? reason.message : String(reason) }, 'rpc aborted');
    },
  };
}

function isErrorShape(value: unknown): value is ErrorShape {
  return typeof value === 'object' && value !== null && !(value instanceof Error) && typeof (value as { code?: unknown }).code === 'string';
}
