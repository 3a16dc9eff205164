/** @module gateway/http/listeners — binding the gateway's HTTP(S) listeners, closing them, refusing upgrades. */
import { createServer, STATUS_CODES, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { GatewayError, type ErrorShape } from '../../protocol/index.js';
import type { Logger } from '../../logging/index.js';
import type { TlsMaterial } from './tls.js';

export interface BindListenersOptions {
  /** Hosts to listen on; an optional one that does not exist here (no IPv6) is skipped. */
  listenHosts: readonly { host: string; isRequired: boolean }[];
  /** 0 = any free port (the first host picks it, the others reuse it). */
  port: number;
  tls: TlsMaterial | undefined;
  onRequest: RequestListener;
  onUpgrade: (request: IncomingMessage, socket: Duplex, head: Buffer) => void;
  logger: Logger;
  /** Called with each server before it listens (socket caps and timeouts, http/owner-listener.ts). */
  onServer?: ((server: Server) => void) | undefined;
}

export interface BoundListeners {
  servers: Server[];
  port: number;
  /** `host:port` (`[v6]:port`) of each bound listener. */
  addresses: string[];
}

/** Binds one HTTP(S) server per host on one port; PORT_IN_USE when taken (everything bound is closed again). */
export async function bindListeners(options: BindListenersOptions): Promise<BoundListeners> {
  const { tls } = options;
  const bound: BoundListeners = { servers: [], port: options.port, addresses: [] };
  for (const { host, isRequired } of options.listenHosts) {
    // https.Server is an http.Server with a TLS front; everything after the handshake is shared.
    const server: Server =
      tls === undefined ? createServer(options.onRequest) : createHttpsServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.3' }, options.onRequest);
    if (tls !== undefined) server.on('tlsClientError', (_error: Error, socket: Duplex) => socket.destroy());
    options.onServer?.(server);
    server.on('upgrade', options.onUpgrade);
    server.on('clientError', (_error, socket: Duplex) => socket.destroy());
    try {
      bound.port = await listen(server, host, bound.port);
    } catch (error) {
      const code = errnoCode(error);
      if (!isRequired && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT')) {
        options.logger.debug({ host, code }, 'optional listen address unavailable');
        continue;
      }
      await closeServers(bound.servers);
      if (code === 'EADDRINUSE') throw new GatewayError('PORT_IN_USE', { port: bound.port, host });
      throw error;
    }
    bound.servers.push(server);
    bound.addresses.push(host.includes(':') ? `[${host}]:${bound.port}` : `${host}:${bound.port}`);
  }
  return bound;
}

/** Listens on `host:port` (0 = any free port); resolves with the port actually bound. */
export function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/** Stops accepting and drops idle keep-alive connections, resolving when every server has closed. */
export async function closeServers(servers: readonly Server[]): Promise<void> {
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    ),
  );
}

/** Refuses a WebSocket upgrade with a plain HTTP response and a JSON body (`error` is a message or a wire error). */
export function rejectUpgrade(socket: Duplex, status: number, error: string | ErrorShape, retryAfterS?: number): void {
  const body = JSON.stringify({ ok: false, error });
  const retryAfter = retryAfterS === undefined ? '' : `Retry-After: ${retryAfterS}\r\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n${retryAfter}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export function errnoCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}
