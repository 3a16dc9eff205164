/**
 * @module gateway/dispatcher — runs one request through the shared policy, then its handler.
 *
 * Order (each step a guard with its own error): method exists → caller's role and scope allow it →
 * params validate → handler runs. A `GatewayError` becomes its catalogue shape; anything else becomes
 * INTERNAL_ERROR with the request id, and the cause goes only to the log.
 */
import { GatewayError, type ErrorShape, type RequestFrame, type ResponseFrame } from '../protocol/index.js';
import type { Logger } from '../logging/index.js';
import type { CallerInfo } from './method-context.js';
import { checkMethodAccess } from './method-access.js';
import type { MethodRegistry } from './method-registry.js';
import type { GatewayServices } from './services.js';

export interface DispatcherOptions {
  registry: MethodRegistry;
  services: GatewayServices;
  logger: Logger;
  /** Check every result against its schema (tests turn this on; it costs a validation per call). */
  shouldValidateResults?: boolean;
}

export class Dispatcher {
  readonly #options: DispatcherOptions;

  constructor(options: DispatcherOptions) {
    this.#options = options;
  }

  /** Handles one request and returns the response frame to send. Never throws. */
  async dispatch(frame: RequestFrame, caller: CallerInfo): Promise<ResponseFrame> {
    const startedAt = performance.now();
    try {
      const payload = await this.#run(frame, caller);
      this.#options.logger.debug({ method: frame.method, connId: caller.connId, ms: elapsed(startedAt) }, 'rpc ok');
      return payload === undefined ? { type: 'res', id: frame.id, ok: true } : { type: 'res', id: frame.id, ok: true, payload };
    } catch (error) {
      return { type: 'res', id: frame.id, ok: false, error: this.#toErrorShape(error, frame, caller) };
    }
  }

  async #run(frame: RequestFrame, caller: CallerInfo): Promise<unknown> {
    const method = this.#options.registry.get(frame.method);
    if (method === undefined) throw new GatewayError('UNKNOWN_METHOD', { method: frame.method });
    checkMethodAccess(frame.method, method.definition.access, caller.role, caller.scopes);
    const params = frame.params ?? {};
    if (!method.params.check(params)) {
      throw new GatewayError('INVALID_PARAMS', { method: frame.method, reason: method.params.explain(params) });
    }
    const result = await method.definition.handler(params, { caller, requestId: frame.id, services: this.#options.services });
    if (this.#options.shouldValidateResults === true && !method.result.check(result)) {
      this.#options.logger.error({ method: frame.method, reason: method.result.explain(result) }, 'result does not match its schema');
      throw new Error(`result of ${frame.method} does not match its schema`);
    }
    return result;
  }

  #toErrorShape(error: unknown, frame: RequestFrame, caller: CallerInfo): ErrorShape {
    if (error instanceof GatewayError) {
      this.#options.logger.info({ method: frame.method, connId: caller.connId, code: error.code }, 'rpc failed');
      return error.toErrorShape();
    }
    this.#options.logger.error({ method: frame.method, connId: caller.connId, requestId: frame.id, err: error }, 'rpc handler threw');
    return new GatewayError('INTERNAL_ERROR', { method: frame.method, requestId: frame.id }).toErrorShape();
  }
}

function elapsed(startedAt: number): number {
  return Math.round((performance.now() - startedAt) * 1000) / 1000;
}
