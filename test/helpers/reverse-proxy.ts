/**
 * @module test/helpers/reverse-proxy — a tiny but real same-host reverse proxy for WebSocket upgrades.
 *
 * It behaves like the recommended nginx setup: it accepts the client's upgrade, opens its own TCP
 * connection to the gateway, and forwards the request with `X-Forwarded-For` overwritten by the
 * client's address (plus `X-Forwarded-Proto`/`-Host`), then pipes bytes both ways.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface ReverseProxy {
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function startReverseProxy(targetPort: number): Promise<ReverseProxy> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => {
    res.writeHead(404).end();
  });
  server.on('upgrade', (req: IncomingMessage, clientSocket: Socket, head: Buffer) => {
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    sockets.add(clientSocket).add(upstream);
    const headers: Record<string, string | string[] | undefined> = { ...req.headers };
    headers['x-forwarded-for'] = req.socket.remoteAddress ?? 'unknown';
    headers['x-forwarded-proto'] = 'http';
    headers['x-forwarded-host'] = req.headers.host;
    const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1`];
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined) continue;
      for (const single of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${single}`);
    }
    upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head.length > 0) upstream.write(head);
    upstream.pipe(clientSocket).pipe(upstream);
    const cleanup = (): void => {
      upstream.destroy();
      clientSocket.destroy();
    };
    upstream.on('error', cleanup).on('close', cleanup);
    clientSocket.on('error', cleanup).on('close', cleanup);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
