/**
 * @module gateway/request-context — one request while the dispatcher runs it: its in-flight entry
 * (abort state, the lazily created AbortSignal, ack bookkeeping) and the context its handler sees.
 *
 * Nothing here is allocated per request unless used: the signal exists once a handler reads
 * `ctx.signal`, `accept` once it reads `ctx.accept` (gateway/dispatcher.ts has the why).
 */
import type { ResponseFrame } from '../protocol/index.js';
import type { DispatchRequest } from './dispatch-hooks.js';
import type { CallerInfo, MethodContext } from './method-context.js';
import type { RegisteredMethod } from './method-registry.js';
import type { GatewayServices } from './services.js';

/** Where a request's responses go. The connection's close reaches in-flight work through `Dispatcher.closeConnection`. */
export interface ResponseSink {
  sendResponse(frame: ResponseFrame): void;
}

/** One running request. Its AbortSignal exists only once the handler reads it (see the module header). */
export class InFlightRequest {
  readonly request: DispatchRequest;
  readonly sink: ResponseSink;
  /** Set once the method is found. */
  method: RegisteredMethod | undefined;
  #controller: AbortController | undefined;
  #isAborted = false;
  #reason: unknown;
  /** Told about the interim ack (the idempotency entry, so repeats that join get it too). */
  ackListeners: ((ack: unknown) => void)[] | undefined;
  isAccepted = false;

  constructor(request: DispatchRequest, sink: ResponseSink) {
    this.request = request;
    this.sink = sink;
  }

  get isAborted(): boolean {
    return this.#isAborted;
  }

  get reason(): unknown {
    return this.#reason;
  }

  /** The handler's signal, created on first read (already aborted when the request was). */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#isAborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Marks the request aborted and aborts its signal if one was handed out; false when it already was. */
  abort(reason: unknown): boolean {
    if (this.#isAborted) return false;
    this.#isAborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
    return true;
  }
}

/**
 * What a handler sees. A class, not an object literal with getters: those are fresh closures per
 * request. `signal` and `accept` are built only when read; most handlers read neither.
 */
export class RequestContext implements MethodContext {
  readonly caller: CallerInfo;
  readonly requestId: string;
  readonly services: GatewayServices;
  readonly #entry: InFlightRequest;
  readonly #accept: (entry: InFlightRequest, ack: unknown) => void;

  constructor(entry: InFlightRequest, services: GatewayServices, accept: (entry: InFlightRequest, ack: unknown) => void) {
    this.caller = entry.request.caller;
    this.requestId = entry.request.frame.id;
    this.services = services;
    this.#entry = entry;
    this.#accept = accept;
  }

  get signal(): AbortSignal {
    return this.#entry.signal;
  }

  /** A function, so handlers may destructure it (`{ accept }`). */
  get accept(): (ack: unknown) => void {
    return (ack) => this.#accept(this.#entry, ack);
  }
}
