/**
 * @module test/helpers/fake-socket — a stand-in for a server-side `ws` WebSocket, for connection
 * state-machine tests that need no network: it records what is sent and lets the test deliver frames,
 * set `bufferedAmount`, and finish the close handshake.
 */
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';

export class FakeSocket extends EventEmitter {
  readonly sent: string[] = [];
  bufferedAmount = 0;
  closeCalls: { code: number; reason: string }[] = [];
  isTerminated = false;

  send(text: string): void {
    this.sent.push(text);
  }

  close(code: number, reason: string): void {
    this.closeCalls.push({ code, reason });
  }

  terminate(): void {
    this.isTerminated = true;
    this.emit('close', 1006, Buffer.from(''));
  }

  /** The peer answered the close frame. */
  finishClose(): void {
    this.emit('close', this.closeCalls[0]?.code ?? 1005, Buffer.from(''));
  }

  /** Delivers a text (or binary) frame from the client. */
  receive(value: unknown, isBinary = false): void {
    this.emit('message', Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)), isBinary);
  }

  /** Sent frames, parsed. */
  frames(): Record<string, unknown>[] {
    return this.sent.map((text) => JSON.parse(text) as Record<string, unknown>);
  }

  asWebSocket(): WebSocket {
    return this as unknown as WebSocket;
  }
}
