/**
 * @module bench/lib/load — closed-loop RPC load: C sockets each send one `health` request, wait for
 * the matching response, and repeat until the deadline. The same client code drives the gateway and
 * the echo baseline (which answers with the request itself), so client-side cost is identical.
 */
import WebSocket from 'ws';
import { percentile, round } from './stats.js';

export interface LoadTarget {
  url: string;
  /** Token for the gateway's connect handshake; undefined for the echo server (no handshake). */
  token: string | undefined;
}

export interface LoadResult {
  clients: number;
  requests: number;
  durationMs: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

interface Client {
  socket: WebSocket;
  /** Resolves the in-flight request when a frame with this id arrives. */
  pending: { id: string; resolve: () => void } | undefined;
}

/** Opens one socket; for the gateway, waits for the challenge and completes connect. */
export async function openClient(target: LoadTarget, scopes: string[] = ['operator.read']): Promise<Client> {
  const socket = new WebSocket(target.url, { perMessageDeflate: false });
  const client: Client = { socket, pending: undefined };
  let onHandshake: ((frame: Record<string, unknown>) => void) | undefined;
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Record<string, unknown>;
    if (onHandshake !== undefined) return onHandshake(frame);
    if (client.pending !== undefined && frame['id'] === client.pending.id) {
      const { resolve } = client.pending;
      client.pending = undefined;
      resolve();
    }
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('handshake not completed within 15 s')), 15_000);
    socket.once('error', reject);
    socket.once('close', (code) => reject(new Error(`closed ${code} before the handshake completed`)));
    const settle = resolve;
    resolve = () => {
      clearTimeout(timer);
      settle();
    };
    if (target.token === undefined) {
      socket.once('open', () => resolve());
      return;
    }
    onHandshake = (frame) => {
      if (frame['event'] === 'connect.challenge') {
        socket.send(
          JSON.stringify({
            type: 'req',
            id: 'connect',
            method: 'connect',
            params: {
              minProtocol: 4,
              maxProtocol: 4,
              // CLI mode: not tracked in presence. Tracked clients (backend/ui/node) make every connect
              // broadcast the whole presence list to every socket, which is O(n²) for this benchmark.
              client: { id: 'cli', version: 'bench', platform: process.platform, mode: 'cli' },
              role: 'operator',
              scopes,
              auth: { token: target.token },
            },
          }),
        );
      } else if (frame['id'] === 'connect') {
        onHandshake = undefined;
        if (frame['ok'] === true) resolve();
        else reject(new Error(`connect refused: ${JSON.stringify(frame['error'])}`));
      }
    };
  });
  socket.on('error', () => undefined);
  return client;
}

/** Opens `count` clients, at most `batch` handshakes at a time (the gateway caps pending handshakes). */
export async function openClients(target: LoadTarget, count: number, batch = 32): Promise<Client[]> {
  const clients: Client[] = [];
  for (let opened = 0; opened < count; opened += batch) {
    const size = Math.min(batch, count - opened);
    clients.push(...(await Promise.all(Array.from({ length: size }, () => openClient(target)))));
  }
  return clients;
}

export function closeClients(clients: readonly Client[]): void {
  for (const client of clients) client.socket.terminate();
}

/** Runs the closed loop for `durationMs` after `warmupMs`; latencies are recorded after the warm-up only. */
export async function runLoad(target: LoadTarget, clientCount: number, durationMs: number, warmupMs: number): Promise<LoadResult> {
  const clients = await openClients(target, clientCount);
  const latencies: number[] = [];
  let requests = 0;
  let nextId = 0;
  const startedAt = performance.now();
  const measureFrom = startedAt + warmupMs;
  const deadline = measureFrom + durationMs;
  const loop = async (client: Client): Promise<void> => {
    while (performance.now() < deadline) {
      const id = `b${++nextId}`;
      const sentAt = performance.now();
      await new Promise<void>((resolve) => {
        client.pending = { id, resolve };
        client.socket.send(`{"type":"req","id":"${id}","method":"health"}`);
      });
      const doneAt = performance.now();
      if (sentAt >= measureFrom && doneAt <= deadline) {
        requests++;
        latencies.push(doneAt - sentAt);
      }
    }
  };
  await Promise.all(clients.map(loop));
  closeClients(clients);
  return {
    clients: clientCount,
    requests,
    durationMs,
    rps: Math.round((requests / durationMs) * 1000),
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
  };
}
