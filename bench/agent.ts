/**
 * @module bench/agent — the agent's figures (issue 9), against a real `clawgate gateway run` and a
 * FAKE OpenAI-compatible model server that answers at once (scripted SSE over loopback HTTP):
 * - latency the gateway adds to the first streamed token and to a whole turn (chat.send → chat
 *   delta / final, minus the model's own time measured directly);
 * - `chat` fan-out: deltas per second delivered to 16 watching operators;
 * - `chat.history` page time and RSS with 1,000 sessions × 100 messages stored.
 * `node dist/bench/agent.js [--quick]` prints markdown.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentStore } from '../src/agent/store/agent-store.js';
import { AGENT_MIGRATIONS } from '../src/agent/store/migrations.js';
import { GatewayClient } from '../src/client/index.js';
import type { EventFrame } from '../src/protocol/index.js';
import { CORE_MIGRATIONS, openDatabase, stateDatabasePath } from '../src/store/index.js';
import { startFakeOpenAiServer, type FakeModelServer } from '../test/helpers/fake-model.js';
import { findFreePort, spawnDaemon, waitUntil } from '../test/helpers/openclaw.js';
import { CLAWGATE_BIN, httpStatus, rssBytes } from './lib/processes.js';
import { summarize, type Summary } from './lib/stats.js';

const TOKEN = 'bench-token-0123456789abcdef';
const isQuick = process.argv.includes('--quick');

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
  const daemon = spawnDaemon(process.execPath, [CLAWGATE_BIN, 'gateway', 'run'], { PATH: process.env['PATH'] ?? '', HOME: stateDir, CLAWGATE_STATE_DIR: stateDir });
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

/** The model's own time to first content chunk and to [DONE], straight over HTTP. */
async function directModel(model: FakeModelServer): Promise<{ firstMs: number; totalMs: number }> {
  const startedAt = performance.now();
  const response = await fetch(`${model.baseUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] }) });
  let firstMs = -1;
  for await (const chunk of response.body!) {
    if (firstMs < 0 && Buffer.from(chunk).toString('utf8').includes('"content":"')) firstMs = performance.now() - startedAt;
  }
  return { firstMs, totalMs: performance.now() - startedAt };
}

async function measureLatency(runs: number): Promise<{ cold: number; gatewayFirst: Summary; gatewayTotal: Summary; directFirst: Summary; directTotal: Summary }> {
  const model = await startFakeOpenAiServer([{ kind: 'text', chunks: ['Hello', ' from', ' the', ' fake.'] }]);
  const gateway = await startGateway(model.baseUrl);
  const waiters = new Map<string, { onDelta: () => void; onFinal: () => void }>();
  const client = await connect(gateway.url, (event) => {
    const payload = event.payload as { runId?: string; state?: string };
    if (event.event !== 'chat' || payload.runId === undefined) return;
    if (payload.state === 'delta') waiters.get(payload.runId)?.onDelta();
    if (payload.state === 'final') waiters.get(payload.runId)?.onFinal();
  });
  const turn = async (): Promise<{ firstMs: number; totalMs: number }> => {
    const runId = randomUUID();
    const startedAt = performance.now();
    let firstMs = -1;
    const done = new Promise<void>((resolve) => {
      waiters.set(runId, { onDelta: () => void (firstMs < 0 && (firstMs = performance.now() - startedAt)), onFinal: resolve });
    });
    await client.request('chat.send', { sessionKey: `bench-${runId}`, message: 'hi', idempotencyKey: runId });
    await done;
    return { firstMs, totalMs: performance.now() - startedAt };
  };
  try {
    const cold = (await turn()).firstMs;
    const first: number[] = [];
    const total: number[] = [];
    const directFirst: number[] = [];
    const directTotal: number[] = [];
    for (let i = 0; i < runs; i++) {
      const viaGateway = await turn();
      first.push(viaGateway.firstMs);
      total.push(viaGateway.totalMs);
      const direct = await directModel(model);
      directFirst.push(direct.firstMs);
      directTotal.push(direct.totalMs);
    }
    return { cold, gatewayFirst: summarize(first), gatewayTotal: summarize(total), directFirst: summarize(directFirst), directTotal: summarize(directTotal) };
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

const latency = await measureLatency(isQuick ? 5 : 30);
const fanOut = await measureFanOut(16, isQuick ? 50 : 500);
const history = await measureHistory(isQuick ? 100 : 1000, 100, isQuick ? 10 : 100);
const added = (a: Summary, b: Summary): number => Math.round((a.median - b.median) * 100) / 100;
process.stdout.write(
  [
    '| figure | value |',
    '|---|---|',
    `| first token via gateway, p50 (chat.send → chat delta) | ${latency.gatewayFirst.median} ms (p90 ${latency.gatewayFirst.p90}) |`,
    `| first token straight from the fake model, p50 | ${latency.directFirst.median} ms |`,
    `| **added to the first token, p50** | **${added(latency.gatewayFirst, latency.directFirst)} ms** |`,
    `| whole turn via gateway / direct, p50 | ${latency.gatewayTotal.median} / ${latency.directTotal.median} ms (added ${added(latency.gatewayTotal, latency.directTotal)} ms) |`,
    `| first token of the first (cold) turn, incl. loading the AI SDK | ${Math.round(latency.cold)} ms |`,
    `| chat fan-out to 16 operators | ${fanOut.deltasPerSecond} deltas/s (${fanOut.delivered} delivered) |`,
    `| chat.history page (50 msgs) with ${isQuick ? 100 : 1000} sessions × 100 messages, p50 | ${history.page.median} ms (p90 ${history.page.p90}) |`,
    `| gateway RSS after those pages | ${history.rssMb} MB |`,
    '',
  ].join('\n'),
);
