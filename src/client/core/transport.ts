/**
 * @module client/core/transport — the small interface the client core speaks through.
 *
 * A transport carries text frames both ways and reports open, close and failure. The Node client
 * implements it over `ws` (client/node/ws-transport.ts); a browser would wrap its `WebSocket`; the core
 * tests use an in-memory fake. The core never sees sockets, TLS or headers.
 */

export interface Transport {
  /** Sends one text frame. Only called after `onOpen` fired. */
  send(text: string): void;
  /** Closes with a WebSocket close code and reason; a transport not yet open is dropped at once. */
  close(code: number, reason: string): void;
  /** Registers the listener for "the socket is open" (fires at most once). */
  onOpen(listener: () => void): void;
  /** Registers the listener for each received text frame. */
  onMessage(listener: (text: string) => void): void;
  /** Registers the listener for the end of the connection (fires at most once). */
  onClose(listener: (code: number, reason: string) => void): void;
  /** Registers the listener for a failure before or during the connection (a close usually follows). */
  onError(listener: (error: Error) => void): void;
}
