/**
 * @module bench/nodes — node.invoke latency and throughput, and gateway memory with many nodes.
 *
 * The gateway runs as its own process (`clawgate gateway run`), so its CPU time and RSS can be read
 * from /proc without the bench's clients mixed in. Prints one JSON object:
 * - invokeRoundTrip: operator → gateway → node → gateway → operator, sequential, loopback (p50/p99 ms);
 * - echoRoundTrip: a bare ws request/response on loopback in this process (2 hops; the invoke path has 4);
 * - gatewayShare: the gateway's own part of an invoke — CPU time per invoke in the gateway process,
 *   and the latency left after subtracting two bare ws round trips (p50);
 * - throughput: invokes/s with 64 concurrent callers;
 * - memory: gateway RSS idle and with 1,000 connected nodes.
 * Run: `npm run build && node dist/bench/nodes.js` (Linux: reads /proc/<pid>/stat and status).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import { createDeviceIdentity, signDeviceProof } from '../src/client/index.js';

const TOKEN = 'bench-token-0123456789abcdef';
const SEQUENTIAL_INVOKES = Number(process.env['BENCH_INVOKES'] ?? 2000);
const CONCURRENT_CALLERS = 64;
/** Connections opened at once from this host: below the gateway's per-source handshake cap. */
const CONNECT_BURST = 16;
const INVOKES_PER_CALLER = Number(process.env['BENCH_INVOKES_PER_CALLER'] ?? 100);
const IDLE_NODES = Number(process.env['BENCH_NODES'] ?? 1000);

type Frame = Record<string, any>;

/** A minimal protocol client over one socket: connect, call, and an optional event hook. */
class BenchSocket {
  readonly socket: WebSocket;
  readonly #waiting = new Map<string, (frame: Frame) => void>();
  onEvent: ((frame: Frame) => void) | undefined;
  #counter = 0;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      if (frame['type'] === 'res') {
        const resolve = this.#waiting.get(frame['id']);
        this.#waiting.delete(frame['id']);
        resolve?.(frame);
      } else if (frame['type'] === 'event') this.onEvent?.(frame);
    });
  }

  static async open(url: string, connectParams: (challenge: { nonce: string; ts: number }) => Frame): Promise<BenchSocket> {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    const challenge = await new Promise<{ nonce: string; ts: number }>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('message', (data) => resolve((JSON.parse(data.toString()) as Frame)['payload']));
    });
    const bench = new BenchSocket(socket);
    const hello = await bench.call('connect', connectParams(challenge));
    if (hello['ok'] !== true) throw new Error(`connect failed: ${JSON.stringify(hello['error'])}`);
    return bench;
  }

  call(method: string, params: unknown): Promise<Frame> {
    const id = `${++this.#counter}`;
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve);
      this.socket.send(JSON.stringify({ type: 'req', id, method, params }));
    });
  }
}

const operatorParams = (): Frame => ({
  minProtocol: 4,
  maxProtocol: 4,
  client: { id: 'cli', version: 'bench', platform: 'linux', mode: 'cli' },
  role: 'operator',
  scopes: ['operator.admin', 'operator.write', 'operator.read', 'operator.pairing'],
  auth: { token: TOKEN },
});

/** A node that answers every invoke at once with `{"ok":true}`. */
async function openNode(url: string, commands: string[]): Promise<{ socket: BenchSocket; nodeId: string }> {
  const identity = createDeviceIdentity();
  const socket = await BenchSocket.open(url, (challenge) => {
    const client = { id: 'node-host', version: 'bench', platform: 'linux', deviceFamily: 'Linux', mode: 'node', instanceId: randomUUID() };
    const device = signDeviceProof(identity, { clientId: 'node-host', clientMode: 'node', role: 'node', scopes: [], signedAtMs: challenge.ts, token: TOKEN, nonce: challenge.nonce, platform: 'linux', deviceFamily: 'Linux' });
    return { minProtocol: 4, maxProtocol: 4, client, caps: ['system'], commands, role: 'node', scopes: [], auth: { token: TOKEN }, device };
  });
  socket.onEvent = (frame) => {
    if (frame['event'] !== 'node.invoke.request') return;
    const request = frame['payload'] as Frame;
    void socket.call('node.invoke.result', { id: request['id'], nodeId: request['nodeId'], ok: true, payloadJSON: '{"ok":true}' });
  };
  return { socket, nodeId: identity.deviceId };
}

function percentile(sorted: number[], p: number): number {
  return Number((sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0).toFixed(3));
}

function summarize(samples: number[]): { samples: number; p50Ms: number; p99Ms: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { samples: sorted.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
}

/** utime + stime of `pid` in ms (Linux /proc; clock ticks are 100/s on Linux). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

async function echoBaseline(count: number): Promise<number[]> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  server.on('connection', (socket) => socket.on('message', (data) => socket.send(data.toString())));
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const address = server.address();
  const socket = new WebSocket(`ws://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`, { perMessageDeflate: false });
  await new Promise<void>((resolve) => socket.once('open', () => resolve()));
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await new Promise<void>((resolve) => {
      socket.once('message', () => resolve());
      socket.send(JSON.stringify({ type: 'req', id: String(i), method: 'echo', params: { n: i } }));
    });
    samples.push(performance.now() - started);
  }
  socket.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return samples;
}

/** Progress goes to stderr so stdout stays one JSON document. */
function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

async function main(): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), 'clawgate-bench-'));
  const port = await freePort();
  const url = `ws://127.0.0.1:${port}`;
  const gateway = spawn(process.execPath, [join(import.meta.dirname, '../../bin/clawgate.js'), 'gateway', 'run', '--port', String(port)], {
    env: { ...process.env, CLAWGATE_STATE_DIR: stateDir, CLAWGATE_GATEWAY_TOKEN: TOKEN },
    stdio: 'ignore',
  });
  const pid = gateway.pid ?? 0;
  try {
    let admin: BenchSocket | undefined;
    for (let attempt = 0; admin === undefined; attempt++) {
      try {
        admin = await BenchSocket.open(url, operatorParams);
      } catch (error) {
        if (attempt > 100) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const rssIdleBytes = rssBytes(pid);
    progress(`gateway pid ${pid} ready on ${url}`);

    const node = await openNode(url, ['bench.echo']);
    const { pending } = (await admin.call('node.pair.list', {}))['payload'] as { pending: Frame[] };
    await admin.call('node.pair.approve', { requestId: pending.find((p) => p['nodeId'] === node.nodeId)?.['requestId'] });
    const invoke = (caller: BenchSocket): Promise<Frame> =>
      caller.call('node.invoke', { nodeId: node.nodeId, command: 'bench.echo', params: { n: 1 }, idempotencyKey: randomUUID() });

    progress(`sequential invokes: ${SEQUENTIAL_INVOKES}`);
    for (let i = 0; i < 200; i++) await invoke(admin); // warm-up (JIT, buffers)
    const samples: number[] = [];
    const cpuBefore = cpuMs(pid);
    for (let i = 0; i < SEQUENTIAL_INVOKES; i++) {
      const started = performance.now();
      const res = await invoke(admin);
      samples.push(performance.now() - started);
      if (res['ok'] !== true) throw new Error(`invoke failed: ${JSON.stringify(res['error'])}`);
    }
    const gatewayCpuPerInvokeMs = (cpuMs(pid) - cpuBefore) / SEQUENTIAL_INVOKES;
    const echo = summarize(await echoBaseline(SEQUENTIAL_INVOKES));
    const roundTrip = summarize(samples);

    progress(`${CONCURRENT_CALLERS} callers × ${INVOKES_PER_CALLER} invokes`);
    const callers: BenchSocket[] = [];
    // One host may hold a limited number of handshakes at once (gateway/http/admission.ts): open in bursts.
    for (let i = 0; i < CONCURRENT_CALLERS; i += CONNECT_BURST) {
      callers.push(...(await Promise.all(Array.from({ length: Math.min(CONNECT_BURST, CONCURRENT_CALLERS - i) }, () => BenchSocket.open(url, operatorParams)))));
    }
    const started = performance.now();
    const cpuBeforeBurst = cpuMs(pid);
    await Promise.all(callers.map(async (caller) => {
      for (let i = 0; i < INVOKES_PER_CALLER; i++) {
        const res = await invoke(caller);
        if (res['ok'] !== true) throw new Error(`invoke failed: ${JSON.stringify(res['error'])}`);
      }
    }));
    const elapsedS = (performance.now() - started) / 1000;
    const burstCpuPerInvokeMs = (cpuMs(pid) - cpuBeforeBurst) / (CONCURRENT_CALLERS * INVOKES_PER_CALLER);
    for (const caller of callers) caller.socket.close();

    progress(`connecting ${IDLE_NODES} nodes`);
    const idle: BenchSocket[] = [];
    for (let i = 0; i < IDLE_NODES; i += CONNECT_BURST) {
      const batch = await Promise.all(Array.from({ length: Math.min(CONNECT_BURST, IDLE_NODES - i) }, () => openNode(url, ['system.which'])));
      idle.push(...batch.map((n) => n.socket));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const rssWithNodesBytes = rssBytes(pid);
    const listed = ((await admin.call('node.list', {}))['payload'] as { nodes: Frame[] }).nodes.filter((n) => n['connected'] === true).length;

    console.log(JSON.stringify({
      node: process.version,
      invokeRoundTrip: roundTrip,
      echoRoundTrip: echo,
      gatewayShare: {
        cpuPerInvokeMs: Number(gatewayCpuPerInvokeMs.toFixed(4)),
        cpuPerInvokeUnderLoadMs: Number(burstCpuPerInvokeMs.toFixed(4)),
        latencyP50Ms: Number(Math.max(0, roundTrip.p50Ms - 2 * echo.p50Ms).toFixed(3)),
      },
      throughput: { callers: CONCURRENT_CALLERS, invokes: CONCURRENT_CALLERS * INVOKES_PER_CALLER, invokesPerSecond: Math.round((CONCURRENT_CALLERS * INVOKES_PER_CALLER) / elapsedS) },
      memory: { rssIdleBytes, nodesConnected: listed, rssWithNodesBytes, rssPerNodeBytes: Math.round((rssWithNodesBytes - rssIdleBytes) / Math.max(1, listed)) },
    }, null, 2));
    for (const socket of idle) socket.socket.terminate();
    node.socket.socket.terminate();
    admin.socket.terminate();
  } finally {
    gateway.kill('SIGTERM');
    await new Promise((resolve) => gateway.once('exit', resolve));
    rmSync(stateDir, { recursive: true, force: true });
  }
}

await main();
