/**
 * @module bench/telegram — the Telegram channel's latency, ingest rate and memory.
 *
 * A real `clawgate gateway run` process polls a FAKE Telegram Bot API server (test/helpers/fake-telegram.ts)
 * and answers through a FAKE scripted model server, both in this process on loopback. Prints one JSON object:
 * - firstTypingMs / replyMs: from an update being available to the first sendChatAction and to the reply
 *   (p50/p99 over sequential DMs; includes the 300 ms merge window OpenClaw also waits);
 * - ingestPerSec: updates committed to SQLite per second (a backlog of BENCH_TG_UPDATES DMs under
 *   dmPolicy "disabled", so only ingest and access checks run);
 * - rss: gateway RSS idle without Telegram, and with the channel running.
 * Run: `npm run build && node dist/bench/telegram.js` (Linux: reads /proc/<pid>/status).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { FakeTelegram } from '../test/helpers/fake-telegram.js';
import { startFakeOpenAiServer } from '../test/helpers/fake-model.js';

const TOKEN = 'bench-token-0123456789abcdef';
const MESSAGES = Number(process.env['BENCH_TG_MESSAGES'] ?? 30);
const UPDATES = Number(process.env['BENCH_TG_UPDATES'] ?? 2000);
const CHILD = fileURLToPath(new URL('../test/helpers/gateway-child.js', import.meta.url));

async function startGateway(config: Record<string, unknown>): Promise<{ child: ChildProcess; stateDir: string }> {
  const stateDir = mkdtempSync(join(tmpdir(), 'clawgate-bench-tg-'));
  writeFileSync(join(stateDir, 'clawgate.json'), JSON.stringify(config));
  const child = spawn(process.execPath, [CHILD, stateDir, TOKEN], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  return { child, stateDir };
}

async function stop(gateway: { child: ChildProcess; stateDir: string }): Promise<void> {
  const exited = new Promise((resolve) => gateway.child.once('exit', resolve));
  gateway.child.kill('SIGTERM');
  await exited;
  rmSync(gateway.stateDir, { recursive: true, force: true });
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Math.round(Number(match?.[1] ?? 0) / 102.4) / 10;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;
}

async function until(check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('bench: timed out');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const idle = await startGateway({});
await settle(1000);
const idleRss = rssMb(idle.child.pid!);
await stop(idle);

const bot = await FakeTelegram.start();
const model = await startFakeOpenAiServer([{ kind: 'text', chunks: ['pong'] }]);
const chats = Array.from({ length: MESSAGES }, (_, i) => 100_000 + i);
const running = await startGateway({
  channels: { telegram: { botToken: bot.token, apiRoot: bot.apiRoot, allowFrom: chats } },
  models: { providers: { local: { baseUrl: model.baseUrl, api: 'openai-completions', apiKey: 'k', models: [{ id: 'm', name: 'm' }] } } },
  agents: { defaults: { model: { primary: 'local/m' } } },
  session: { dmScope: 'per-channel-peer' },
});
await until(() => bot.isPollHeld);
const typing: number[] = [];
const reply: number[] = [];
for (const chatId of chats) {
  const startedAt = Date.now();
  bot.injectMessage({ chatId, text: 'ping' });
  const typed = await bot.waitForCall('sendChatAction', (call) => Number(call.params['chat_id']) === chatId, 30_000);
  const replied = await bot.waitForCall('sendMessage', (call) => Number(call.params['chat_id']) === chatId, 30_000);
  typing.push(typed.atMs - startedAt);
  reply.push(replied.atMs - startedAt);
}
await settle(500);
const runningRss = rssMb(running.child.pid!);
await stop(running);
await bot.close();

const ingestBot = await FakeTelegram.start();
const ingesting = await startGateway({ channels: { telegram: { botToken: ingestBot.token, apiRoot: ingestBot.apiRoot, dmPolicy: 'disabled' } } });
await until(() => ingestBot.isPollHeld);
const ingestStart = Date.now();
for (let i = 0; i < UPDATES; i++) ingestBot.injectMessage({ chatId: 200_000 + (i % 50), text: `u${i}` });
await until(() => ingestBot.unconfirmedUpdates === 0, 120_000);
const ingestMs = Date.now() - ingestStart;
await stop(ingesting);
await ingestBot.close();
await model.close();

process.stdout.write(
  `${JSON.stringify(
    {
      firstTypingMs: { p50: percentile(typing, 50), p99: percentile(typing, 99), n: typing.length },
      replyMs: { p50: percentile(reply, 50), p99: percentile(reply, 99), n: reply.length },
      ingestPerSec: Math.round((UPDATES / ingestMs) * 1000),
      rssMb: { idleWithoutTelegram: idleRss, withTelegramRunning: runningRss },
    },
    null,
    2,
  )}\n`,
);
