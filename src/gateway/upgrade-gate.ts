/**
 * @module gateway/upgrade-gate — decides, before the 101, whether an HTTP upgrade may become a socket.
 *
 * Guard clauses in order, each with its own status: draining → 503; a browser whose Origin/Host the
 * policy refuses → 403 before any socket exists (security lessons T-CSWSH-1); too many connections,
 * or too many pending handshakes in all or from this source (http/admission.ts) → 503. Upgrades on
 * the owner socket skip the counts: that is the room kept for the owner. Busy refusals carry
 * `Retry-After`. Then ws completes the handshake.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../logging/index.js';
import type { BrowserAccessPolicy } from './http/browser-access.js';
import { rejectUpgrade } from './http/listeners.js';

/** `Retry-After` (s) of a 503 for a full handshake or connection table. */
export const UPGRADE_BUSY_RETRY_AFTER_S = 1;

export interface UpgradeGateOptions {
  wss: WebSocketServer;
  logger: Logger;
  maxConnections: number;
  isDraining: () => boolean;
  /** Set once the port is known (the policy compares Host with it). */
  browserAccess: () => BrowserAccessPolicy | undefined;
  counts: () => { pending: number; total: number };
  /** Takes a pending-handshake slot for the request's source; the refusal when none is left. */
  admitHandshake: (request: IncomingMessage) => string | undefined;
  isOwnerChannel: (request: IncomingMessage) => boolean;
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
    if (!options.isOwnerChannel(request)) {
      const { pending, total } = options.counts();
      const refusal = total >= options.maxConnections ? 'connections-full' : options.admitHandshake(request);
      if (refusal !== undefined) {
        options.logger.warn({ pending, total, refusal, remoteAddress: request.socket.remoteAddress }, 'refusing connection: limit reached');
        // Busy, not broken: a storm of reconnecting clients retries in about a second (Retry-After,
        // honoured with jitter by client/core/reconnect.ts) instead of backing off exponentially.
        return rejectUpgrade(socket, 503, 'too many connections', UPGRADE_BUSY_RETRY_AFTER_S);
      }
    }
    options.wss.handleUpgrade(request, socket, head, (ws) => options.onSocket(ws, request));
  }
}
