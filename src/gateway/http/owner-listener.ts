/**
 * @module gateway/http/owner-listener — the owner socket's listener, and the limits every TCP listener gets.
 *
 * The owner socket (config/owner-socket.ts) is a second HTTP server on a Unix socket in the state dir
 * (mode 0700 dir, 0600 socket): its upgrades skip the pre-auth and connection counts and its connects
 * skip the auth limiter, so the owner still gets in while an attack holds the TCP port (issue 12,
 * holes 2-4). A stale socket file left by a crashed gateway is replaced; a live one (another gateway
 * on this state dir) is left alone and this gateway runs without the channel.
 */
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { canonicalSource } from '../pairing/limiter-key.js';
import type { Admission } from './admission.js';

/** Time to receive a request's headers, and the whole request, on the TCP listeners (slowloris). */
export const HTTP_HEADERS_TIMEOUT_MS = 10_000;
export const HTTP_REQUEST_TIMEOUT_MS = 15_000;

/** A bound owner socket; `close` stops it and removes the file. */
export interface OwnerChannel {
  readonly path: string;
  close(): Promise<void>;
}

/**
 * Applies the unauthenticated-socket caps and slowloris timeouts to a TCP listener: sockets past the
 * caps (all, or from one canonical source) are destroyed before any byte is read, and a client that
 * dribbles its headers or body is cut off (issue 12, hole 3).
 */
export function hardenHttpServer(server: Server, admission: Admission): void {
  server.headersTimeout = HTTP_HEADERS_TIMEOUT_MS;
  server.requestTimeout = HTTP_REQUEST_TIMEOUT_MS;
  server.on('connection', (socket: Socket) => {
    if (!admission.trackSocket(socket, canonicalSource(socket.remoteAddress ?? 'unknown'))) socket.destroy();
  });
}

/** Listens on `path`; every socket accepted there is added to `ownerSockets`. */
export async function listenOwnerSocket(
  path: string,
  onRequest: (request: IncomingMessage, response: ServerResponse) => void,
  onUpgrade: (request: IncomingMessage, socket: Duplex, head: Buffer) => void,
  ownerSockets: WeakSet<object>,
): Promise<OwnerChannel> {
  await removeStaleSocket(path);
  const server = createServer(onRequest);
  server.headersTimeout = HTTP_HEADERS_TIMEOUT_MS;
  server.requestTimeout = HTTP_REQUEST_TIMEOUT_MS;
  server.on('connection', (socket: Socket) => ownerSockets.add(socket));
  server.on('upgrade', onUpgrade);
  server.on('clientError', (_error, socket: Duplex) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(path, 0o600);
  return {
    path,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          removeQuietly(path);
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

/** Removes `path` when it is a socket nobody listens on; throws when a live gateway holds it. */
async function removeStaleSocket(path: string): Promise<void> {
  try {
    if (!lstatSync(path).isSocket()) throw new Error(`${path} exists and is not a socket`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const isLive = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (isLive) throw new Error(`another gateway is listening on ${path}`);
  removeQuietly(path);
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
