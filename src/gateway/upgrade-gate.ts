/**
 * @module gateway/upgrade-gate — decides, before the 101, whether an HTTP upgrade may become a socket.
 *
 * Guard clauses in order, each with its own status: draining → 503; a browser whose Origin/Host the
 * policy refuses → 403 before any socket exists (security lessons T-CSWSH-1); too many pending
 * handshakes or connections → 503. Then ws completes the handshake.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../logging/index.js';
import type { BrowserAccessPolicy } from './http/browser-access.js';
import { rejectUpgrade } from './http/listeners.js';

export interface UpgradeGateOptions {
  wss: WebSocketServer;
  logger: Logger;
  maxPendingHandshakes: number;
  maxConnections: number;
  isDraining: () => boolean;
  /** Set once the port is known (the policy compares Host with it). */
  browserAccess: () => BrowserAccessPolicy | undefined;
  counts: () => { pending: number; total: number };
  onSocket: (socket: WebSocket, request: IncomingMessage) => void;
}

export class UpgradeGate {
  readonly #options: UpgradeGateOptions;

  constructor(options: UpgradeGateOptions) {
    this.#options = options;
  }

  /** The `upgrade` listener of every HTTP(S) server of the gateway. */
  handle(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const options = this.#options;
    if (options.isDraining()) return rejectUpgrade(socket, 503, 'gateway is shutting down');
    const refusal = options.browserAccess()?.check(request.headers);
    if (refusal !== undefined) {
      options.logger.warn(
        { code: refusal.code, origin: request.headers.origin, host: request.headers.host, remoteAddress: request.socket.remoteAddress },
        'refusing browser connection',
      );
      return rejectUpgrade(socket, refusal.definition.httpStatus ?? 403, refusal.toErrorShape());
    }
    const { pending, total } = options.counts();
    if (pending >= options.maxPendingHandshakes || total >= options.maxConnections) {
      options.logger.warn({ pending, total }, 'refusing connection: limit reached');
      return rejectUpgrade(socket, 503, 'too many connections');
    }
    options.wss.handleUpgrade(request, socket, head, (ws) => options.onSocket(ws, request));
  }
}
