/**
 * @module ui/transport — the client core's `Transport` over the browser's `WebSocket`.
 *
 * Always the page's own origin (`ws:` on http pages, `wss:` on https) under the base path: the UI
 * never takes a gateway URL from a link (the ?gatewayUrl= lesson, CVE-2026-25253).
 */
import type { Transport } from '../../src/client/core/index.js';

/** The same-origin WebSocket URL of the gateway serving this page. */
export function sameOriginGatewayUrl(location: Location = window.location): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/`;
}

export class BrowserTransport implements Transport {
  readonly #socket: WebSocket;
  #closeListener: ((code: number, reason: string) => void) | undefined;
  #hasClosed = false;

  constructor(url: string) {
    this.#socket = new WebSocket(url);
    this.#socket.addEventListener('close', (event) => this.#fireClose(event.code, event.reason));
  }

  send(text: string): void {
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.send(text);
  }

  close(code: number, reason: string): void {
    try {
      this.#socket.close(code >= 3000 && code <= 4999 ? code : 1000, reason.slice(0, 120));
    } catch {
      this.#socket.close();
    }
    // The browser reports the close later (or never for a socket still connecting): tell the session now.
    this.#fireClose(code, reason);
  }

  onOpen(listener: () => void): void {
    this.#socket.addEventListener('open', () => listener(), { once: true });
  }

  onMessage(listener: (text: string) => void): void {
    this.#socket.addEventListener('message', (event) => {
      if (typeof event.data === 'string') listener(event.data);
    });
  }

  onClose(listener: (code: number, reason: string) => void): void {
    this.#closeListener = listener;
  }

  onError(listener: (error: Error) => void): void {
    this.#socket.addEventListener('error', () => listener(new Error('WebSocket error (refused, unreachable or closed)')));
  }

  #fireClose(code: number, reason: string): void {
    if (this.#hasClosed) return;
    this.#hasClosed = true;
    this.#closeListener?.(code, reason);
  }
}
