/**
 * @module bench/agent — the agent's figures (issue 9), against a real `clawgate gateway run` and a
 * FAKE OpenAI-compatible model server that answers at once (scripted SSE over loopback HTTP):
 * - latency the gateway adds to the first streamed token and to a whole turn (chat.send → chat
 *   delta / final, minus the model's own time measured directly);
 * - `chat` fan-out: deltas per second delivered to 16 watching operators;
 * - `chat.history` page time and RSS with 1,000 sessions × 100 messages stored.
 * Stages (one clock, the bench process's): chat.send → ack, → the fake model has the request, and the
 * model's first chunk → the client's first delta, each beside the same stage of a direct fetch.
 * `node dist/bench/agent.js [--quick] [--only=latency]` prints markdown.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentStore } from '../src/agent/store/agent-store.js';
import { AGENT_MIGRATIONS } from '../src/agent/store/migrations.js';
import { GatewayClient } from '../src/client/index.js';
import type { EventFrame } from '../src/protocol/index.js';
import { CORE_MIGRATIONS, openDatabase, stateDatabasePath } from '../src/store/index.js';
import { lastUserText, startFakeOpenAiServer, type FakeModelServer, type FakeScriptEntry } from '../test/helpers/fake-model.js';
import { findFreePort, spawnDaemon, waitUntil } from '../test/helpers/openclaw.js';
import { CLAWGATE_BIN, httpStatus, rssBytes } from './lib/processes.js';
import { summarize, type Summary } from './lib/stats.js';
import WebSocket from 'ws';

const TOKEN = 'bench-token-0123456789abcdef';
const isQuick = process.argv.includes('--quick');
/** Another build's bin (e.g. a checkout of the previous commit) for a before/after run on the same machine state. */
const GATEWAY_BIN = process.env['CLAWGATE_BENCH_BIN'] ?? CLAWGATE_BIN;

interface Gateway {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

async function startGateway(modelBaseUrl: string, seed?: (stateDir: string) => void): Promise<Gateway> {
  const stateDir = mkdtempSync(join(tmpdir(), 'clawgate-bench-agent-'));
  const port = await findFreePort();
  writeFileSync(
    join(stateDir, 'clawgate.json'),
    JSON.stringify({
      gateway: { port, auth: { mode: 'token', token: TOKEN } },
      models: { providers: { local: { baseUrl: modelBaseUrl, models: [{ id: 'm', name: 'm' }] } } },
      agents: { defaults: { model: 'local/m' } },
    }),
  );
  seed?.(stateDir);
  const daemon = spawnDaemon(process.execPath, [GATEWAY_BIN, 'gateway', 'run'], { PATH: process.env['PATH'] ?? '', HOME: stateDir, CLAWGATE_STATE_DIR: stateDir });
  await waitUntil(async () => (await httpStatus(port, '/readyz')) === 200, 15_000, 10);
  return {
    url: `ws://127.0.0.1:${port}`,
    pid: daemon.child.pid ?? 0,
    stop: async () => {
      await daemon.stop(5000);
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

async function connect(url: string, onEvent: (event: EventFrame) => void = () => undefined): Promise<GatewayClient> {
  const client = new GatewayClient({ url, token: TOKEN, scopes: ['operator.read', 'operator.write'], onEvent });
  await client.connect();
  return client;
}

/** When the fake model server got each request, keyed by the request's last user message. */
const requestArrivals = new Map<string, number>();

/** The fake model's script: note the arrival time (it writes its first chunk right after), then answer. */
function arrivalRecordingScript(): FakeScriptEntry[] {
  return [
    (request) => {
      requestArrivals.set(lastUserText(request), performance.now());
      return { kind: 'text', chunks: ['Hello', ' from', ' the', ' fake.'] };
    },
  ];
}

interface TurnTiming {
  /** chat.send (or fetch) → the answer's first token at the client. */
  firstMs: number;
  totalMs: number;
  /** chat.send → its ack (undefined for the direct fetch). */
  ackMs?: number;
  /** chat.send (or fetch) → the model server has the request. */
  toModelMs: number;
  /** The model server wrote its first chunk → the client has the first token. */
  fromModelMs: number;
}

/** The model's own time to first content chunk and to [DONE], straight over HTTP from this process. */
async function directModel(model: FakeModelServer): Promise<TurnTiming> {
  const key = `direct-${randomUUID()}`;
  const startedAt = performance.now();
  const response = await fetch(`${model.baseUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: key }] }) });
  let firstAt = -1;
  for await (const chunk of response.body!) {
    if (firstAt < 0 && Buffer.from(chunk).toString('utf8').includes('"content":"Hello"')) firstAt = performance.now();
  }
  const arrivedAt = requestArrivals.get(key) ?? Number.NaN;
  return { firstMs: firstAt - startedAt, totalMs: performance.now() - startedAt, toModelMs: arrivedAt - startedAt, fromModelMs: firstAt - arrivedAt };
}

/**
 * The floor for any gateway process between a client and a model: a bare relay process (a `ws`
 * server that POSTs each message to the model with `fetch` and sends one WebSocket message when the
 * first token's chunk arrives). No auth, store, events or SDK: only the two extra process hops.
 */
const RELAY_SOURCE = `
import { WebSocketServer } from 'ws';
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('listening', () => process.stdout.write(wss.address().port + '\\n'));
wss.on('connection', (ws) => ws.on('message', async (data) => {
  const { id, url } = JSON.parse(String(data));
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: id }] }) });
  let isFirst = true;
  for await (const chunk of response.body) {
    if (isFirst && Buffer.from(chunk).toString('utf8').includes('"content":"Hello"')) { isFirst = false; ws.send(id); }
  }
}));
`;

async function measureRelay(model: FakeModelServer, runs: number): Promise<{ first: Summary; toModel: Summary; fromModel: Summary }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', RELAY_SOURCE], { cwd: new URL('../..', import.meta.url), stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString('utf8').trim()))));
    const socket = new WebSocket(`ws://127.0.0.1:${port}`);
    await new Promise((resolve) => socket.once('open', resolve));
    const timings: TurnTiming[] = [];
    for (let i = 0; i <= runs; i++) {
      const id = `relay-${randomUUID()}`;
      const startedAt = performance.now();
      const firstAt = await new Promise<number>((resolve) => {
        socket.once('message', () => resolve(performance.now()));
        socket.send(JSON.stringify({ id, url: `${model.baseUrl}/chat/completions` }));
      });
      const arrivedAt = requestArrivals.get(id) ?? Number.NaN;
      // The first exchange warms the relay's fetch connection; it is not counted.
      if (i > 0) timings.push({ firstMs: firstAt - startedAt, totalMs: firstAt - startedAt, toModelMs: arrivedAt - startedAt, fromModelMs: firstAt - arrivedAt });
    }
    socket.close();
    return { first: summarize(timings.map((t) => t.firstMs)), toModel: summarize(timings.map((t) => t.toModelMs)), fromModel: summarize(timings.map((t) => t.fromModelMs)) };
  } finally {
    child.kill();
  }
}

interface LatencyResult {
  cold: number;
  gateway: { first: Summary; total: Summary; ack: Summary; toModel: Summary; fromModel: Summary };
  direct: { first: Summary; total: Summary; toModel: Summary; fromModel: Summary };
  relay: { first: Summary; toModel: Summary; fromModel: Summary };
}

async function measureLatency(runs: number): Promise<LatencyResult> {
  const model = await startFakeOpenAiServer(arrivalRecordingScript());
  const gateway = await startGateway(model.baseUrl);
  const waiters = new Map<string, { onDelta: () => void; onFinal: () => void }>();
  const client = await connect(gateway.url, (event) => {
    const payload = event.payload as { runId?: string; state?: string };
    if (event.event !== 'chat' || payload.runId === undefined) return;
    if (payload.state === 'delta') waiters.get(payload.runId)?.onDelta();
    if (payload.state === 'final') waiters.get(payload.runId)?.onFinal();
  });
  const turn = async (): Promise<TurnTiming> => {
    const runId = randomUUID();
    const startedAt = performance.now();
    let firstAt = -1;
    const done = new Promise<void>((resolve) => {
      waiters.set(runId, { onDelta: () => void (firstAt < 0 && (firstAt = performance.now())), onFinal: resolve });
    });
    // The message is the run id, so the fake server's arrival time can be matched to this turn.
    await client.request('chat.send', { sessionKey: `bench-${runId}`, message: runId, idempotencyKey: runId });
    const ackMs = performance.now() - startedAt;
    await done;
    const arrivedAt = requestArrivals.get(runId) ?? Number.NaN;
    return { firstMs: firstAt - startedAt, totalMs: performance.now() - startedAt, ackMs, toModelMs: arrivedAt - startedAt, fromModelMs: firstAt - arrivedAt };
  };
  try {
    const cold = (await turn()).firstMs;
    const viaGateway: TurnTiming[] = [];
    const direct: TurnTiming[] = [];
    for (let i = 0; i < runs; i++) {
      viaGateway.push(await turn());
      direct.push(await directModel(model));
    }
    const relay = await measureRelay(model, runs);
    const of = (timings: TurnTiming[], pick: (t: TurnTiming) => number | undefined): Summary => summarize(timings.map((t) => pick(t) ?? Number.NaN));
    return {
      cold,
      gateway: { first: of(viaGateway, (t) => t.firstMs), total: of(viaGateway, (t) => t.totalMs), ack: of(viaGateway, (t) => t.ackMs), toModel: of(viaGateway, (t) => t.toModelMs), fromModel: of(viaGateway, (t) => t.fromModelMs) },
      direct: { first: of(direct, (t) => t.firstMs), total: of(direct, (t) => t.totalMs), toModel: of(direct, (t) => t.toModelMs), fromModel: of(direct, (t) => t.fromModelMs) },
      relay,
    };
  } finally {
    client.close();
    await gateway.stop();
    await model.close();
  }
}

async function measureFanOut(watchers: number, chunks: number): Promise<{ deltasPerSecond: number; delivered: number }> {
  const model = await startFakeOpenAiServer([{ kind: 'text', chunks: Array.from({ length: chunks }, (_v, i) => `t${i} `) }]);
  const gateway = await startGateway(model.baseUrl);
  let delivered = 0;
  let finals = 0;
  const clients: GatewayClient[] = [];
  try {
    for (let i = 0; i < watchers; i++) {
      clients.push(
        await connect(gateway.url, (event) => {
          const state = (event.payload as { state?: string }).state;
          if (event.event === 'chat' && state === 'delta') delivered++;
          if (event.event === 'chat' && state === 'final') finals++;
        }),
      );
    }
    const startedAt = performance.now();
    await clients[0]!.request('chat.send', { sessionKey: 'fanout', message: 'go', idempotencyKey: randomUUID() });
    await waitUntil(async () => finals >= watchers, 60_000, 5);
    const seconds = (performance.now() - startedAt) / 1000;
    return { deltasPerSecond: Math.round(delivered / seconds), delivered };
  } finally {
    for (const client of clients) client.close();
    await gateway.stop();
    await model.close();
  }
}

async function measureHistory(sessions: number, messagesPerSession: number, pages: number): Promise<{ page: Summary; rssMb: number }> {
  const model = await startFakeOpenAiServer([{ kind: 'text', chunks: ['x'] }]);
  const gateway = await startGateway(model.baseUrl, (stateDir) => {
    const db = openDatabase(stateDatabasePath(stateDir), [...CORE_MIGRATIONS, ...AGENT_MIGRATIONS]);
    const store = new AgentStore(db, randomUUID);
    db.transaction(() => {
      for (let s = 0; s < sessions; s++) {
        const session = store.ensureSession(`agent:main:s${s}`, 'main', s);
        for (let m = 0; m < messagesPerSession; m++) {
          store.appendMessage(session, undefined, m % 2 === 0 ? { role: 'user', content: `question ${m} of session ${s}`, timestamp: m } : { role: 'assistant', content: [{ type: 'text', text: `answer ${m} `.repeat(8) }], stopReason: 'stop', timestamp: m }, m);
        }
      }
    })();
    db.close();
  });
  const client = await connect(gateway.url);
  try {
    const times: number[] = [];
    for (let i = 0; i < pages; i++) {
      const startedAt = performance.now();
      await client.request('chat.history', { sessionKey: `s${(i * 37) % sessions}`, limit: 50 });
      times.push(performance.now() - startedAt);
    }
    return { page: summarize(times), rssMb: Math.round(rssBytes(gateway.pid) / 1024 / 1024) };
  } finally {
    client.close();
    await gateway.stop();
    await model.close();
  }
}

const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
const latency = await measureLatency(isQuick ? 5 : 30);
const added = (a: Summary, b: Summary): number => Math.round((a.median - b.median) * 100) / 100;
const lines = [
  '| figure | value |',
  '|---|---|',
  `| first token via gateway, p50 (chat.send → chat delta) | ${latency.gateway.first.median} ms (p90 ${latency.gateway.first.p90}) |`,
  `| first token straight from the fake model, p50 | ${latency.direct.first.median} ms |`,
  `| **added to the first token, p50** | **${added(latency.gateway.first, latency.direct.first)} ms** |`,
  `| whole turn via gateway / direct, p50 | ${latency.gateway.total.median} / ${latency.direct.total.median} ms (added ${added(latency.gateway.total, latency.direct.total)} ms) |`,
  `| first token through a bare relay process (the floor for any gateway), p50 | ${latency.relay.first.median} ms (p90 ${latency.relay.first.p90}): added over it ${added(latency.gateway.first, latency.relay.first)} ms |`,
  `| stage: chat.send → ack | ${latency.gateway.ack.median} ms (p90 ${latency.gateway.ack.p90}) |`,
  `| stage: request sent → the model server has it, gateway / relay / direct | ${latency.gateway.toModel.median} / ${latency.relay.toModel.median} / ${latency.direct.toModel.median} ms |`,
  `| stage: model's first chunk written → first token at the client, gateway / relay / direct | ${latency.gateway.fromModel.median} / ${latency.relay.fromModel.median} / ${latency.direct.fromModel.median} ms |`,
  `| first token of the first (cold) turn, incl. loading the AI SDK | ${Math.round(latency.cold)} ms |`,
];
if (only !== 'latency') {
  const fanOut = await measureFanOut(16, isQuick ? 50 : 500);
  const history = await measureHistory(isQuick ? 100 : 1000, 100, isQuick ? 10 : 100);
  lines.push(
    `| chat fan-out to 16 operators | ${fanOut.deltasPerSecond} deltas/s (${fanOut.delivered} delivered) |`,
    `| chat.history page (50 msgs) with ${isQuick ? 100 : 1000} sessions × 100 messages, p50 | ${history.page.median} ms (p90 ${history.page.p90}) |`,
    `| gateway RSS after those pages | ${history.rssMb} MB |`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
