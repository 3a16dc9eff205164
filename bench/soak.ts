/**
 * @module bench/soak — many connections under steady load for a while: does the gateway leak (RSS
 * slope, fds) or slow down (p99), side by side with a bare `ws` echo server under the same load.
 *
 * Connections: operators (each sends `health` at a fixed rate), nodes (approved; each sends a
 * `node.event` keepalive at the same rate and answers invokes), some operators also `node.invoke` a
 * random node, and watchers (operator.read sockets that only receive the gateway's broadcasts: tick,
 * health, presence). The echo baseline gets the same sockets and the same frames at the same rate (it
 * answers each frame with itself; no handshake). Open loop: a slow server shows as a growing p99,
 * not as a lower request rate. Sockets are opened in bursts of 16: one host may hold only 32
 * handshakes at once.
 *
 * Not part of `npm test`. Run: `npm run build && node dist/bench/soak.js`. Sizes (defaults for a
 * 2-core box; the target is 5,000 connections for 10 minutes):
 * SOAK_OPERATORS=300 SOAK_NODES=100 SOAK_WATCHERS=600 SOAK_INVOKERS=30 SOAK_DURATION_S=60
 * SOAK_INTERVAL_MS=1000 SOAK_NODE_EVENT_MS=20000 SOAK_SAMPLE_MS=5000. Each node keepalive is broadcast to every
 * UI watcher as `node.presence` (nodes × watchers events), so SOAK_NODE_EVENT_MS drives the event load. Prints one JSON document on stdout; progress on stderr.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { createDeviceIdentity, signDeviceProof } from '../src/client/index.js';
import { httpStatus, rssBytes, spawnClawgate } from './lib/processes.js';
import { percentile, round } from './lib/stats.js';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const SIZES = {
  operators: env('SOAK_OPERATORS', 300),
  nodes: env('SOAK_NODES', 100),
  watchers: env('SOAK_WATCHERS', 600),
  invokers: env('SOAK_INVOKERS', 30),
};
const DURATION_MS = env('SOAK_DURATION_S', 60) * 1000;
const INTERVAL_MS = env('SOAK_INTERVAL_MS', 1000);
/** A node's `node.presence.alive` keepalive: every 20 s, as the node host sends it (client/core/session.ts). */
const NODE_EVENT_MS = env('SOAK_NODE_EVENT_MS', 20_000);
const SAMPLE_MS = env('SOAK_SAMPLE_MS', 5000);
const CONNECT_BURST = 16;
/** `gateway.maxConnections` for the soak's gateway: every connection plus the approving admin. */
const SOAK_MAX_CONNECTIONS = Math.max(4096, SIZES.operators + SIZES.nodes + SIZES.watchers + 64);

type Frame = Record<string, any>;

/** One socket with request/response matching; `handshake` is undefined for the echo server. */
class SoakSocket {
  readonly #socket: WebSocket;
  readonly #pending = new Map<string, (frame: Frame) => void>();
  #counter = 0;
  events = 0;
  readonly eventNames = new Map<string, number>();
  onEvent: ((frame: Frame) => void) | undefined;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on('error', () => undefined);
    socket.on('message', (data: Buffer) => {
      // Large broadcasts (a presence list of thousands) are counted by name, not parsed: the bench
      // client must not become the bottleneck it measures.
      if (data.length > 65_536 && data.subarray(0, 16).toString() === '{"type":"event",') {
        const name = /"event":"([^"]+)"/.exec(data.subarray(0, 96).toString())?.[1] ?? 'unknown';
        this.events += 1;
        this.eventNames.set(name, (this.eventNames.get(name) ?? 0) + 1);
        return;
      }
      const frame = JSON.parse(data.toString()) as Frame;
      const resolve = this.#pending.get(String(frame['id']));
      if (resolve !== undefined) {
        this.#pending.delete(String(frame['id']));
        resolve(frame);
      } else if (frame['type'] === 'event') {
        this.events += 1;
        this.eventNames.set(String(frame['event']), (this.eventNames.get(String(frame['event'])) ?? 0) + 1);
        this.onEvent?.(frame);
      }
    });
  }

  static async open(url: string, handshake: ((challenge: { nonce: string; ts: number }) => Frame) | undefined): Promise<SoakSocket> {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    if (handshake === undefined) {
      await new Promise<void>((resolve, reject) => (socket.once('open', () => resolve()), socket.once('error', reject)));
      return new SoakSocket(socket);
    }
    const challenge = await new Promise<{ nonce: string; ts: number }>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('message', (data) => resolve((JSON.parse(data.toString()) as Frame)['payload']));
    });
    const soak = new SoakSocket(socket);
    const hello = await soak.call('connect', handshake(challenge));
    if (hello['ok'] !== true) throw new Error(`connect refused: ${JSON.stringify(hello['error'])}`);
    return soak;
  }

  /** Sends a request; resolves with its response and the round trip in ms. */
  async call(method: string, params: unknown): Promise<Frame> {
    const id = `${++this.#counter}`;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#socket.send(JSON.stringify({ type: 'req', id, method, params }));
    });
  }

  close(): void {
    this.#socket.terminate();
  }
}

const operatorHello = (token: string, scopes: string[]) => (): Frame => ({
  minProtocol: 4,
  maxProtocol: 4,
  client: { id: 'cli', version: 'soak', platform: 'linux', mode: 'cli' },
  role: 'operator',
  scopes,
  auth: { token },
});

const watcherHello = (token: string) => (): Frame => ({
  ...operatorHello(token, ['operator.read'])(),
  // A UI client: tracked in presence, so it receives presence and health broadcasts.
  client: { id: 'openclaw-control-ui', version: 'soak', platform: 'linux', mode: 'ui', instanceId: randomUUID() },
});

function nodeHello(token: string): { nodeId: string; hello: (challenge: { nonce: string; ts: number }) => Frame } {
  const identity = createDeviceIdentity();
  return {
    nodeId: identity.deviceId,
    hello: (challenge) => ({
      minProtocol: 4,
      maxProtocol: 4,
      client: { id: 'node-host', version: 'soak', platform: 'linux', deviceFamily: 'Linux', mode: 'node', instanceId: randomUUID() },
      caps: ['system'],
      commands: ['soak.echo'],
      role: 'node',
      scopes: [],
      auth: { token },
      device: signDeviceProof(identity, { clientId: 'node-host', clientMode: 'node', role: 'node', scopes: [], signedAtMs: challenge.ts, token, nonce: challenge.nonce, platform: 'linux', deviceFamily: 'Linux' }),
    }),
  };
}

async function inBursts<T>(count: number, open: (index: number) => Promise<T>): Promise<T[]> {
  const opened: T[] = [];
  for (let i = 0; i < count; i += CONNECT_BURST) {
    opened.push(...(await Promise.all(Array.from({ length: Math.min(CONNECT_BURST, count - i) }, (_, j) => open(i + j)))));
  }
  return opened;
}

interface Sample {
  atS: number;
  rssMiB: number;
  fds: number;
}

function sampleProcess(pid: number, startedAt: number): Sample {
  return { atS: round((performance.now() - startedAt) / 1000, 1), rssMiB: round(rssBytes(pid) / 1048576, 1), fds: readdirSync(`/proc/${pid}/fd`).length };
}

/** Least-squares slope of RSS over time, in MiB per minute. */
function rssSlopeMiBPerMin(samples: readonly Sample[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const meanT = samples.reduce((sum, s) => sum + s.atS, 0) / n;
  const meanR = samples.reduce((sum, s) => sum + s.rssMiB, 0) / n;
  const covariance = samples.reduce((sum, s) => sum + (s.atS - meanT) * (s.rssMiB - meanR), 0);
  const variance = samples.reduce((sum, s) => sum + (s.atS - meanT) ** 2, 0);
  return variance === 0 ? 0 : round((covariance / variance) * 60, 2);
}

interface Target {
  name: 'clawgate' | 'ws-echo';
  url: string;
  pid: number;
  token: string | undefined;
  approve?: (nodeIds: readonly string[]) => Promise<void>;
}

/** Connects everyone, runs the steady load for DURATION_MS, and reports. */
async function soak(target: Target): Promise<Record<string, unknown>> {
  const isGateway = target.token !== undefined;
  const token = target.token ?? '';
  progress(`${target.name}: connecting ${SIZES.operators} operators, ${SIZES.nodes} nodes, ${SIZES.watchers} watchers`);
  const connectStarted = performance.now();
  const operators = await inBursts(SIZES.operators, (i) =>
    SoakSocket.open(target.url, isGateway ? operatorHello(token, i < SIZES.invokers ? ['operator.write', 'operator.read'] : ['operator.read']) : undefined),
  );
  const nodeIds: string[] = [];
  const nodes = await inBursts(SIZES.nodes, async () => {
    const { nodeId, hello } = nodeHello(token);
    nodeIds.push(nodeId);
    const socket = await SoakSocket.open(target.url, isGateway ? hello : undefined);
    socket.onEvent = (frame) => {
      if (frame['event'] !== 'node.invoke.request') return;
      const request = frame['payload'] as Frame;
      void socket.call('node.invoke.result', { id: request['id'], nodeId: request['nodeId'], ok: true, payloadJSON: '{"ok":true}' });
    };
    return socket;
  });
  const watchers = await inBursts(SIZES.watchers, () => SoakSocket.open(target.url, isGateway ? watcherHello(token) : undefined));
  const connectMs = performance.now() - connectStarted;
  await target.approve?.(nodeIds);

  const rpc: number[] = [];
  const invokes: number[] = [];
  let failures = 0;
  const startedAt = performance.now();
  const samples: Sample[] = [sampleProcess(target.pid, startedAt)];
  const sampler = setInterval(() => samples.push(sampleProcess(target.pid, startedAt)), SAMPLE_MS);
  const timed = async (into: number[], call: Promise<Frame>): Promise<void> => {
    const sentAt = performance.now();
    const res = await call;
    into.push(performance.now() - sentAt);
    if (isGateway && res['ok'] !== true) failures += 1;
  };
  // Open loop: every INTERVAL_MS each socket sends its frame, spread evenly over the interval.
  const tickers = [
    ...operators.map((socket, i) => ({ socket, send: () => timed(rpc, socket.call('health', {})), phase: i, intervalMs: INTERVAL_MS })),
    ...operators.slice(0, SIZES.invokers).map((socket, i) => ({
      socket,
      send: () => timed(invokes, socket.call('node.invoke', { nodeId: nodeIds[i % Math.max(1, nodeIds.length)], command: 'soak.echo', params: {}, idempotencyKey: randomUUID() })),
      phase: i * 7,
      intervalMs: INTERVAL_MS,
    })),
    ...nodes.map((socket, i) => ({ socket, send: () => timed(rpc, socket.call('node.event', { event: 'node.presence.alive', payload: { trigger: 'background' } })), phase: i * 3, intervalMs: NODE_EVENT_MS })),
  ];
  const timers: NodeJS.Timeout[] = [];
  const inFlight: Promise<void>[] = [];
  for (const ticker of tickers) {
    const offset = (ticker.phase * 37) % ticker.intervalMs;
    timers.push(
      setTimeout(() => {
        inFlight.push(ticker.send());
        timers.push(setInterval(() => inFlight.push(ticker.send()), ticker.intervalMs));
      }, offset),
    );
  }
  await new Promise((resolve) => setTimeout(resolve, DURATION_MS));
  for (const timer of timers) clearInterval(timer);
  await Promise.race([Promise.all(inFlight), new Promise((resolve) => setTimeout(resolve, 10_000))]);
  clearInterval(sampler);
  samples.push(sampleProcess(target.pid, startedAt));
  const eventsReceived = watchers.reduce((sum, socket) => sum + socket.events, 0);
  const eventsByName: Record<string, number> = {};
  for (const socket of watchers) for (const [name, count] of socket.eventNames) eventsByName[name] = (eventsByName[name] ?? 0) + count;
  for (const socket of [...operators, ...nodes, ...watchers]) socket.close();
  // The first sample is taken right after connecting: leave the first fifth out of the slope (warm-up).
  const steady = samples.filter((s) => s.atS >= DURATION_MS / 5000);
  return {
    target: target.name,
    connections: operators.length + nodes.length + watchers.length,
    connectMs: Math.round(connectMs),
    rpc: { count: rpc.length, p50Ms: round(percentile(rpc, 50), 2), p99Ms: round(percentile(rpc, 99), 2) },
    invoke: { count: invokes.length, p50Ms: round(percentile(invokes, 50), 2), p99Ms: round(percentile(invokes, 99), 2) },
    failures,
    watcherEvents: { total: eventsReceived, byName: eventsByName },
    rssMiB: { first: samples[0]?.rssMiB, last: samples.at(-1)?.rssMiB, max: Math.max(...samples.map((s) => s.rssMiB)), slopeMiBPerMin: rssSlopeMiBPerMin(steady) },
    fds: { first: samples[0]?.fds, last: samples.at(-1)?.fds, max: Math.max(...samples.map((s) => s.fds)) },
  };
}

function progress(message: string): void {
  process.stderr.write(`soak: ${message}\n`);
}

async function startEchoServer(): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'echo-server.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  return {
    url: `ws://127.0.0.1:${port.trim()}`,
    pid: child.pid ?? 0,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

async function main(): Promise<void> {
  // 5,000 sockets from one host: raise the connection cap (default 4,096) for this gateway only.
  const gateway = await spawnClawgate({ gateway: { maxConnections: SOAK_MAX_CONNECTIONS } });
  const results: Record<string, unknown>[] = [];
  try {
    await waitUntilReady(gateway.port);
    const token = gateway.token();
    const approve = async (nodeIds: readonly string[]): Promise<void> => {
      const admin = await SoakSocket.open(gateway.url, operatorHello(token, ['operator.admin', 'operator.pairing', 'operator.read']));
      const wanted = new Set(nodeIds);
      const { pending } = (await admin.call('node.pair.list', {}))['payload'] as { pending: Frame[] };
      for (const request of pending.filter((p) => wanted.has(p['nodeId']))) await admin.call('node.pair.approve', { requestId: request['requestId'] });
      admin.close();
    };
    results.push(await soak({ name: 'clawgate', url: gateway.url, pid: gateway.process.child.pid ?? 0, token, approve }));
  } finally {
    await gateway.stop();
  }
  const echo = await startEchoServer();
  try {
    results.push(await soak({ name: 'ws-echo', url: echo.url, pid: echo.pid, token: undefined }));
  } finally {
    await echo.stop();
  }
  console.log(JSON.stringify({ node: process.version, sizes: SIZES, durationS: DURATION_MS / 1000, intervalMs: INTERVAL_MS, nodeEventMs: NODE_EVENT_MS, results }, null, 2));
}

/** Polls GET /health until the gateway answers 200 (it writes its generated token before that). */
async function waitUntilReady(port: number): Promise<void> {
  for (let attempt = 0; (await httpStatus(port, '/health')) !== 200; attempt++) {
    if (attempt > 200) throw new Error('the gateway did not become ready within 20 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

await main();
