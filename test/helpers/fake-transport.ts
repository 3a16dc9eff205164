/**
 * @module test/helpers/fake-transport — an in-memory `Transport` for client-core tests (a fake: the
 * core's real transports are sockets). The test plays the gateway: it opens the transport, reads what
 * the client sent, and delivers frames back.
 */
import type { Transport } from '../../src/client/index.js';

export interface FakeTransport extends Transport {
  /** Frames the client sent, parsed. */
  readonly sent: Record<string, any>[];
  /** Close codes the client asked for, with reasons. */
  readonly closes: { code: number; reason: string }[];
  /** The gateway side: the socket opens. */
  open(): void;
  /** The gateway side: deliver one frame (an object is JSON-encoded). */
  deliver(frame: unknown): void;
  /** The gateway side: the connection ends. */
  end(code: number, reason?: string): void;
  /** The transport fails (e.g. ECONNREFUSED). */
  fail(error: Error): void;
}

export function createFakeTransport(): FakeTransport {
  const sent: Record<string, any>[] = [];
  const closes: { code: number; reason: string }[] = [];
  const listeners = {
    open: [] as (() => void)[],
    message: [] as ((text: string) => void)[],
    close: [] as ((code: number, reason: string) => void)[],
    error: [] as ((error: Error) => void)[],
  };
  let isEnded = false;
  const end = (code: number, reason = ''): void => {
    if (isEnded) return;
    isEnded = true;
    for (const listener of listeners.close) listener(code, reason);
  };
  return {
    sent,
    closes,
    send: (text) => {
      sent.push(JSON.parse(text) as Record<string, any>);
    },
    // Like a socket: the close handshake completes and the close is reported back.
    close: (code, reason) => {
      closes.push({ code, reason });
      end(code, reason);
    },
    onOpen: (listener) => listeners.open.push(listener),
    onMessage: (listener) => listeners.message.push(listener),
    onClose: (listener) => listeners.close.push(listener),
    onError: (listener) => listeners.error.push(listener),
    open: () => {
      for (const listener of listeners.open) listener();
    },
    deliver: (frame) => {
      const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
      for (const listener of listeners.message) listener(text);
    },
    end,
    fail: (error) => {
      for (const listener of listeners.error) listener(error);
    },
  };
}
