/**
 * @module client/node/ws-transport — the client core's `Transport` over a Node `ws` socket.
 *
 * Adds what only Node can do: TLS certificate pinning (checked before `open`, so no frame is sent to an
 * impostor), and failures mapped to `GatewayTransportError`s by stage and kind (ECONNREFUSED,
 * HTTP_403, TLS, TLS_FINGERPRINT_MISMATCH …) so the CLI can tell "down" from "denied".
 */
import type { TLSSocket } from 'node:tls';
import WebSocket from 'ws';
import { GatewayTransportError } from '../core/errors.js';
import type { Transport } from '../core/transport.js';
import { assertPinned, createPinnedTlsOptions } from './tls-pin.js';

/** How long a closing socket may take for the close handshake before it is cut. */
const CLOSE_GRACE_MS = 1000;

export interface WsTransportOptions {
  /** Budget for the WebSocket opening handshake, in ms. */
  handshakeTimeoutMs: number;
  /** Expected SHA-256 of the gateway certificate DER (normalized hex); needs wss://. */
  tlsFingerprint?: string | undefined;
  /** Extra `ws` options (TLS settings, headers). */
  wsOptions?: WebSocket.ClientOptions | undefined;
}

/** Opens a socket to `url`; throws a GatewayTransportError (kind URL) when `ws` rejects the URL outright. */
export function openWsTransport(url: string, options: WsTransportOptions): Transport {
  let socket: WebSocket;
  try {
    const pinned = options.tlsFingerprint === undefined ? {} : createPinnedTlsOptions(options.tlsFingerprint);
    socket = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: options.handshakeTimeoutMs, ...options.wsOptions, ...pinned });
  } catch (error) {
    throw new GatewayTransportError(`invalid gateway url: ${(error as Error).message}`, { stage: 'socket', kind: 'URL' });
  }
  return new WsTransport(socket, url, options.tlsFingerprint);
}

class WsTransport implements Transport {
  readonly #socket: WebSocket;
  readonly #url: string;
  #stage: 'socket' | 'upgrade' | 'challenge' = 'socket';
  #errorListener: (error: Error) => void = () => undefined;

  constructor(socket: WebSocket, url: string, pin: string | undefined) {
    this.#socket = socket;
    this.#url = url;
    socket.on('upgrade', (response) => {
      if (pin !== undefined) {
        // Second, authoritative pin check: before `open`, so no frame can have been sent.
        try {
          assertPinned(response.socket as TLSSocket, pin);
        } catch (error) {
          this.#fail(new GatewayTransportError((error as Error).message, { stage: 'socket', kind: 'TLS_FINGERPRINT_MISMATCH' }));
          return;
        }
      }
      this.#stage = 'challenge';
    });
    socket.on('unexpected-response', (_request, response) => {
      const status = response.statusCode ?? 0;
      const retryAfterS = Number(response.headers['retry-after']);
      this.#fail(
        new GatewayTransportError(`gateway refused the WebSocket upgrade: HTTP ${response.statusCode ?? '?'}`, {
          stage: 'upgrade',
          kind: `HTTP_${status}`,
          retryAfterMs: Number.isFinite(retryAfterS) && retryAfterS >= 0 ? retryAfterS * 1000 : undefined,
        }),
      );
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const kind = error.code ?? (/certificate|tls|ssl/i.test(error.message) ? 'TLS' : 'ERROR');
      const message = kind === 'TLS_FINGERPRINT_MISMATCH' ? error.message : `cannot reach gateway at ${this.#url}: ${error.message}`;
      this.#errorListener(new GatewayTransportError(message, { stage: this.#stage, kind }));
    });
  }

  send(text: string): void {
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.send(text);
  }

  close(code: number, reason: string): void {
    const socket = this.#socket;
    if (socket.readyState === WebSocket.OPEN) {
      socket.close(code, reason);
      setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
    } else if (socket.readyState === WebSocket.CONNECTING) {
      socket.terminate();
    }
  }

  onOpen(listener: () => void): void {
    this.#socket.on('open', listener);
  }

  onMessage(listener: (text: string) => void): void {
    this.#socket.on('message', (data) => listener(data.toString()));
  }

  onClose(listener: (code: number, reason: string) => void): void {
    this.#socket.on('close', (code, reason) => listener(code, reason.toString()));
  }

  onError(listener: (error: Error) => void): void {
    this.#errorListener = listener;
  }

  /** Reports `error` and cuts the socket at once (a refused upgrade or an impostor certificate). */
  #fail(error: GatewayTransportError): void {
    this.#errorListener(error);
    if (this.#socket.readyState !== WebSocket.CLOSED) this.#socket.terminate();
  }
}
