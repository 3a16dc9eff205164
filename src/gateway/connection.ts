/**
 * @module gateway/connection — one client socket and its lifecycle state machine.
 *
 * States: `awaitingConnect` (challenge sent, only `connect` allowed) → `authenticating` (connect being
 * checked; other frames rejected) → `ready` (requests dispatched) → `closing` → `closed`. One
 * transition function enforces the order. Each state rejects the frames it does not expect.
 */
import type { WebSocket, RawData } from 'ws';
import {
  CloseCode,
  GatewayError,
  MAX_PREAUTH_PAYLOAD_BYTES,
  decodeClientFrame,
  type EventFrame,
  type RequestFrame,
  type ResponseFrame,
  type StateVersion,
} from '../protocol/index.js';
import type { Logger } from '../logging/index.js';
import { systemClock, type Clock, type TimerHandle } from '../time/index.js';
import type { CallerInfo } from './method-context.js';
import type { ResolvedClientAddress } from './http/client-address.js';
import type { SendBudget } from './send-budget.js';
import { prepareEvent, type EventRecipient, type PreparedEvent } from './event-bus.js';

/** How long a peer gets to answer our close frame before the socket is cut (ms); ws itself waits 30 s. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 2000;

export type ConnectionState = 'awaitingConnect' | 'authenticating' | 'ready' | 'closing' | 'closed';

const TRANSITIONS: Record<ConnectionState, readonly ConnectionState[]> = {
  awaitingConnect: ['authenticating', 'closing', 'closed'],
  authenticating: ['ready', 'closing', 'closed'],
  ready: ['closing', 'closed'],
  closing: ['closed'],
  closed: [],
};

/** What the server does with frames once the connection has classified them. */
export interface ConnectionHandler {
  handleConnect(connection: GatewayConnection, frame: RequestFrame): Promise<void>;
  handleRequest(connection: GatewayConnection, frame: RequestFrame): Promise<void>;
  handleClose(connection: GatewayConnection): void;
}

export interface GatewayConnectionOptions {
  socket: WebSocket;
  connId: string;
  remoteAddress: string;
  /** `Origin` header of the upgrade request, when a browser sent one. */
  origin: string | undefined;
  /** Who the client really is (proxy-aware); without it the connection is treated as remote, never local. */
  clientAddress?: ResolvedClientAddress;
  challengeNonce: string;
  handshakeTimeoutMs: number;
  maxBufferedBytes: number;
  /** A peer that never answers the close handshake is terminated after this (default 2000 ms). */
  closeTimeoutMs?: number;
  handler: ConnectionHandler;
  logger: Logger;
  /** Timers for the handshake and close timeouts (default: the system clock). */
  clock?: Clock;
  /** One budget for every connection's send buffer (send-budget.ts); none = per-connection limit only. */
  sendBudget?: SendBudget;
}

export interface SendEventOptions {
  stateVersion?: StateVersion;
  /** Skip this event for a slow client instead of closing it (ticks, presence). */
  dropIfSlow?: boolean;
}

export class GatewayConnection implements EventRecipient {
  readonly connId: string;
  readonly remoteAddress: string;
  readonly origin: string | undefined;
  readonly clientAddress: ResolvedClientAddress;
  readonly challengeNonce: string;
  #state: ConnectionState = 'awaitingConnect';
  #caller: CallerInfo | undefined;
  #seq = 0;
  #handshakeTimer: TimerHandle;
  readonly #socket: WebSocket;
  readonly #options: GatewayConnectionOptions;
  readonly #clock: Clock;
  /** Aborted once the socket closes; created only if someone asks for `signal` (most never do). */
  #lifetime: AbortController | undefined;

  #resolveClosed: () => void = () => undefined;
  /** Resolves once the socket has closed and the server's close handling ran. */
  readonly closed: Promise<void> = new Promise((resolve) => {
    this.#resolveClosed = resolve;
  });

  constructor(options: GatewayConnectionOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#socket = options.socket;
    this.connId = options.connId;
    this.remoteAddress = options.remoteAddress;
    this.origin = options.origin;
    this.clientAddress = options.clientAddress ?? {
      address: options.remoteAddress,
      peerAddress: options.remoteAddress,
      isLocal: false,
      isBrowser: options.origin !== undefined,
      origin: options.origin,
      isForwarded: false,
      isProxied: false,
    };
    this.challengeNonce = options.challengeNonce;
    this.#socket.on('message', (data, isBinary) => this.#socketOnMessage(data, isBinary));
    this.#socket.on('close', () => this.#socketOnClose());
    // ws reports protocol violations (oversized frames: 1009, bad UTF-8: 1007) here and closes itself.
    this.#socket.on('error', (error) => this.#options.logger.debug({ connId: this.connId, err: error.message }, 'socket error'));
    this.#handshakeTimer = this.#clock.setTimeout(() => this.#handshakeOnTimeout(), options.handshakeTimeoutMs);
  }

  /** Aborted when the socket has closed. */
  get signal(): AbortSignal {
    if (this.#lifetime === undefined) {
      this.#lifetime = new AbortController();
      if (this.#state === 'closed') this.#lifetime.abort(connectionClosedError());
    }
    return this.#lifetime.signal;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** The authenticated caller; defined once the connection is `ready`. */
  get caller(): CallerInfo | undefined {
    return this.#caller;
  }

  get bufferedBytes(): number {
    return this.#socket.bufferedAmount;
  }

  /** Marks the handshake complete: requests are dispatched from now on. */
  markReady(caller: CallerInfo): void {
    this.#transition('ready');
    this.#caller = caller;
    this.#clock.clearTimeout(this.#handshakeTimer);
    this.#handshakeTimer = undefined; // the timer object is not kept for the connection's life
  }

  /** Sends a response frame (slow consumers are closed: a response must not be dropped). */
  sendResponse(frame: ResponseFrame): void {
    this.#send(frame, false);
  }

  /** Sends a response frame its builder already serialized (hello-ok, see hello.ts). */
  sendResponseText(text: string): void {
    this.#sendText(text, false);
  }

  /** Sends a response frame as one text message in three fragments: `head`, bytes shared with other connections, `tail`. */
  sendResponseParts(head: string, shared: Buffer, tail: string): void {
    if (!this.#mayQueue(head.length + shared.length + tail.length, false)) return;
    this.#socket.send(head, { binary: false, fin: false });
    this.#socket.send(shared, { binary: false, fin: false });
    this.#socket.send(tail, { binary: false, fin: true });
  }

  /** Sends an event with this connection's next `seq`. `connect.challenge` carries no seq, as in OpenClaw. */
  sendEvent(event: string, payload: unknown, options: SendEventOptions = {}): void {
    if (event === 'connect.challenge') {
      const frame: EventFrame = { type: 'event', event, payload };
      this.#sendText(JSON.stringify(frame), false);
      return;
    }
    this.sendPreparedEvent(prepareEvent(event, payload, options.stateVersion, options.dropIfSlow === true));
  }

  /** Sends an event whose payload the bus serialized once for every recipient; only `seq` is added here. */
  sendPreparedEvent(event: PreparedEvent): number | undefined {
    if (this.#state === 'closed') return undefined;
    // A closing connection still numbers its events: a resume journal (event-journal.ts) records them.
    const seq = ++this.#seq;
    if (this.#state === 'closing') return seq;
    const rest = `,"seq":${seq}${event.tail}`;
    if (event.headBytes === undefined) {
      this.#sendText(event.head + rest, event.dropIfSlow);
      return seq;
    }
    // One text message in two fragments (RFC 6455 §5.4): the shared head bytes, then seq and tail.
    if (!this.#mayQueue(event.headBytes.length + rest.length, event.dropIfSlow)) return seq;
    this.#socket.send(event.headBytes, { binary: false, fin: false });
    this.#socket.send(rest, { binary: false, fin: true });
    return seq;
  }

  /** The last `seq` this connection used. */
  get lastSeq(): number {
    return this.#seq;
  }

  /** Sends an error response (when there is a request id to answer) and closes with the error's close code. */
  fail(error: GatewayError, requestId?: string): void {
    if (requestId !== undefined) this.sendResponse({ type: 'res', id: requestId, ok: false, error: error.toErrorShape() });
    this.close(error.closeCode ?? CloseCode.POLICY_VIOLATION, error.message);
  }

  /** Closes the socket; the reason is cut to the 123 bytes RFC 6455 §5.5 allows in a close frame. */
  close(code: number, reason: string): void {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    this.#transition('closing');
    this.#clock.clearTimeout(this.#handshakeTimer);
    this.#socket.close(code, truncateUtf8(reason, 123));
    // A peer that never answers the close handshake is cut off (ws waits 30 s by default).
    const timer = this.#clock.setTimeout(() => this.#socket.terminate(), this.#options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
    void this.closed.then(() => this.#clock.clearTimeout(timer));
  }

  #send(frame: ResponseFrame, dropIfSlow: boolean): void {
    this.#sendText(JSON.stringify(frame), dropIfSlow);
  }

  #sendText(text: string, dropIfSlow: boolean): void {
    if (this.#mayQueue(text.length, dropIfSlow)) this.#socket.send(text);
  }

  /** False when a frame of `length` must not be queued: dropped if it may be, else the socket is closed. */
  #mayQueue(length: number, dropIfSlow: boolean): boolean {
    if (this.#state === 'closing' || this.#state === 'closed') return false;
    if (this.#socket.bufferedAmount > this.#options.maxBufferedBytes) {
      if (dropIfSlow) return false;
      const error = new GatewayError('SLOW_CONSUMER', { limitBytes: this.#options.maxBufferedBytes });
      this.#options.logger.warn({ connId: this.connId, bufferedBytes: this.#socket.bufferedAmount }, 'closing slow consumer');
      this.close(error.closeCode ?? CloseCode.POLICY_VIOLATION, 'slow consumer');
      return false;
    }
    // Many sockets under their own limit can still add up (issue 12, hole 4): one global budget.
    if (this.#options.sendBudget?.allows(this.#socket.bufferedAmount, length) === false) {
      if (dropIfSlow) return false;
      this.#options.logger.warn({ connId: this.connId, bufferedBytes: this.#socket.bufferedAmount }, 'closing slow consumer: gateway send budget spent');
      this.close(new GatewayError('SLOW_CONSUMER', { limitBytes: this.#options.maxBufferedBytes }).closeCode ?? CloseCode.POLICY_VIOLATION, 'slow consumer');
      return false;
    }
    return true;
  }

  #socketOnMessage(data: RawData, isBinary: boolean): void {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    if (isBinary) {
      this.fail(new GatewayError('BINARY_FRAME_UNSUPPORTED'));
      return;
    }
    const sizeBytes = rawDataLength(data);
    if (this.#state !== 'ready' && sizeBytes > MAX_PREAUTH_PAYLOAD_BYTES) {
      this.fail(new GatewayError('PAYLOAD_TOO_LARGE', { sizeBytes, limitBytes: MAX_PREAUTH_PAYLOAD_BYTES }));
      return;
    }
    const decoded = decodeClientFrame(rawDataToString(data));
    switch (this.#state) {
      case 'awaitingConnect':
        if (!decoded.ok) return this.fail(new GatewayError('FIRST_FRAME_NOT_CONNECT'), decoded.id);
        if (decoded.frame.method !== 'connect') return this.fail(new GatewayError('FIRST_FRAME_NOT_CONNECT'), decoded.frame.id);
        this.#transition('authenticating');
        void this.#options.handler.handleConnect(this, decoded.frame);
        return;
      case 'authenticating':
        // Clients wait for hello-ok before sending; a frame now is out of order.
        return this.fail(new GatewayError('INVALID_FRAME', { reason: 'request sent before connect completed' }), decoded.ok ? decoded.frame.id : decoded.id);
      case 'ready':
        if (!decoded.ok) {
          this.sendResponse({ type: 'res', id: decoded.id ?? 'invalid-frame', ok: false, error: decoded.error.toErrorShape() });
          return;
        }
        if (decoded.frame.method === 'connect') {
          this.sendResponse({ type: 'res', id: decoded.frame.id, ok: false, error: new GatewayError('ALREADY_CONNECTED').toErrorShape() });
          return;
        }
        void this.#options.handler.handleRequest(this, decoded.frame);
        return;
    }
  }

  #socketOnClose(): void {
    this.#clock.clearTimeout(this.#handshakeTimer);
    if (this.#state === 'closed') return;
    this.#transition('closed');
    this.#lifetime?.abort(connectionClosedError());
    try {
      this.#options.handler.handleClose(this);
    } finally {
      this.#resolveClosed();
    }
  }

  #handshakeOnTimeout(): void {
    if (this.#state !== 'awaitingConnect' && this.#state !== 'authenticating') return;
    this.#options.logger.info({ connId: this.connId, remoteAddress: this.remoteAddress }, 'handshake timeout');
    this.fail(new GatewayError('HANDSHAKE_TIMEOUT', { timeoutMs: this.#options.handshakeTimeoutMs }));
  }

  #transition(next: ConnectionState): void {
    if (!TRANSITIONS[this.#state].includes(next)) {
      throw new Error(`connection ${this.connId}: illegal transition ${this.#state} → ${next}`);
    }
    this.#state = next;
  }
}

function connectionClosedError(): GatewayError {
  return new GatewayError('REQUEST_ABORTED', { method: 'connection', reason: 'connection closed' });
}

function rawDataLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, chunk) => sum + chunk.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

function rawDataToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
}

function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let cut = text.slice(0, maxBytes);
  while (Buffer.byteLength(cut) > maxBytes) cut = cut.slice(0, -1);
  return cut;
}
