/**
 * @module bench/fanout — event fan-out: one event to 16 watching clients.
 *
 * Compares the event bus's delivery (payload serialized once per emit, each socket only splices its
 * seq in) with what the gateway did before (one JSON.stringify per socket), emulated by emitting the
 * same payload once per connection as a direct event. The gateway runs in this process (a bench-only
 * feature declares the two events); clients are real ws sockets on loopback. Prints one JSON object
 * with events delivered per second for both. Run: `npm run build && node dist/bench/fanout.js`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Type from 'typebox';
import WebSocket from 'ws';
import { resolveStatePaths } from '../src/config/index.js';
import { startGateway } from '../src/daemon/index.js';
import type { GatewayFeature } from '../src/gateway/index.js';
import { defineEvent } from '../src/protocol/index.js';

const TOKEN = 'bench-token-0123456789abcdef';
const WATCHERS = 16;
const EMITS = Number(process.env['BENCH_FANOUT_EMITS'] ?? 2000);

/** A presence-sized payload (~1 KB), the typical broadcast. */
const payload = {
  presence: Array.from({ length: 6 }, (_, i) => ({ host: `host-${i}`, ip: `10.0.0.${i}`, version: '2026.9.6', platform: 'linux 6.1', deviceFamily: 'Linux', mode: 'webchat', reason: 'connect', instanceId: `instance-${i}-0123456789`, ts: 1_700_000_000_000 + i })),
};
const Payload = Type.Object({ presence: Type.Array(Type.Unknown()) });
const broadcastEvent = defineEvent({ name: 'bench.broadcast', scope: null, payload: Payload, delivery: 'broadcast' });
const directEvent = defineEvent({ name: 'bench.direct', scope: null, payload: Payload, delivery: 'direct' });
const benchFeature: GatewayFeature = { name: 'bench', events: [broadcastEvent, directEvent] };

interface Watcher {
  socket: WebSocket;
  connId: string;
  received: number;
}

async function connect(url: string): Promise<Watcher> {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  const watcher: Watcher = { socket, connId: '', received: 0 };
  await new Promise<void>((resolve, reject) => {
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Record<string, any>;
      if (frame['event'] === 'connect.challenge') {
        socket.send(JSON.stringify({ type: 'req', id: 'c1', method: 'connect', params: { minProtocol: 4, maxProtocol: 4, client: { id: 'cli', version: 'bench', platform: 'linux', mode: 'cli' }, role: 'operator', scopes: ['operator.read'], auth: { token: TOKEN } } }));
      } else if (frame['id'] === 'c1') {
        watcher.connId = frame['payload'].server.connId;
        resolve();
      } else if (typeof frame['event'] === 'string' && frame['event'].startsWith('bench.')) {
        watcher.received++;
      }
    });
    socket.once('error', reject);
  });
  return watcher;
}

async function measure(watchers: Watcher[], emit: () => void): Promise<number> {
  for (const watcher of watchers) watcher.received = 0;
  const startedAt = performance.now();
  // Emit in batches so the sockets drain between them, as a live gateway would.
  for (let i = 0; i < EMITS; i++) {
    emit();
    if (i % 50 === 49) await new Promise((resolve) => setImmediate(resolve));
  }
  while (watchers.some((w) => w.received < EMITS)) await new Promise((resolve) => setTimeout(resolve, 1));
  return Math.round((EMITS * watchers.length) / ((performance.now() - startedAt) / 1000));
}

const stateDir = mkdtempSync(join(tmpdir(), 'clawgate-bench-fanout-'));
const env = { CLAWGATE_STATE_DIR: stateDir };
const started = await startGateway({ paths: resolveStatePaths({ env }), flags: { port: 0, token: TOKEN }, env, logLevel: 'warn', features: [benchFeature] });
try {
  const watchers = await Promise.all(Array.from({ length: WATCHERS }, () => connect(`ws://127.0.0.1:${started.server.port}`)));
  const { events } = started.server;
  await measure(watchers, () => events.emit(broadcastEvent, payload)); // warm-up
  const perSocket = await measure(watchers, () => {
    for (const watcher of watchers) events.emit(directEvent, payload, { connId: watcher.connId });
  });
  const once = await measure(watchers, () => events.emit(broadcastEvent, payload));
  console.log(JSON.stringify({ watchers: WATCHERS, emits: EMITS, payloadBytes: JSON.stringify(payload).length, eventsPerSecond: { serializedOncePerEmit: once, serializedPerSocket: perSocket } }, null, 2));
  for (const watcher of watchers) watcher.socket.close();
} finally {
  await started.close('bench finished');
  rmSync(stateDir, { recursive: true, force: true });
}
