/**
 * kill -9 of a gateway while Telegram updates are queued and a turn is running: after a restart every
 * update is processed exactly once (no lost message, no duplicate reply). A real gateway process, a
 * FAKE Telegram Bot API server (test/helpers/fake-telegram.ts) and a FAKE model server (scripted).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { resolveStatePaths } from '../../src/config/index.js';
import { stateDatabasePath } from '../../src/store/index.js';
import { openSqlite } from '../../src/store/sqlite-driver.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { lastUserText, startFakeOpenAiServer } from '../helpers/fake-model.js';
import { createTempStateDir } from '../helpers/gateway.js';
import { eventually } from '../helpers/telegram-harness.js';

const TOKEN = 'crash-test-token-0123456789';
const CHILD = join(dirname(fileURLToPath(import.meta.url)), '..', 'helpers', 'gateway-child.js');

async function spawnGateway(stateDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CHILD, stateDir, TOKEN], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  return child;
}

async function kill9(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('Telegram ingress across kill -9', () => {
  it('processes every update exactly once after a kill -9 with updates queued and a turn running', async () => {
    const bot = await FakeTelegram.start();
    const model = await startFakeOpenAiServer([{ kind: 'hang' }]);
    const stateDir = createTempStateDir();
    const children: ChildProcess[] = [];
    try {
      writeFileSync(
        resolveStatePaths({ env: { CLAWGATE_STATE_DIR: stateDir } }).configPath,
        JSON.stringify({
          channels: { telegram: { botToken: bot.token, apiRoot: bot.apiRoot, allowFrom: [555, 556, 557] } },
          models: { providers: { local: { baseUrl: model.baseUrl, api: 'openai-completions', apiKey: 'k', models: [{ id: 'm', name: 'm' }] } } },
          agents: { defaults: { model: { primary: 'local/m' } } },
          // One session per chat, so B runs beside A instead of queueing behind it in agent:main:main.
          session: { dmScope: 'per-channel-peer' },
        }),
      );
      const first = await spawnGateway(stateDir);
      children.push(first);
      await eventually(() => bot.isPollHeld, 'the first gateway polling', 15_000);
      const a = bot.injectMessage({ chatId: 555, text: 'message A' });
      await model.waitForRequests(1);
      const b = bot.injectMessage({ chatId: 556, text: 'message B' });
      await model.waitForRequests(2);
      const c = bot.injectMessage({ chatId: 555, text: 'message C' });
      // C is durable once the gateway confirmed it to Telegram with the next offset.
      await eventually(() => bot.unconfirmedUpdates === 0, 'C committed');
      assert.equal(bot.callsOf('sendMessage').length, 0, 'no reply before the crash');
      await kill9(first);
      const d = bot.injectMessage({ chatId: 557, text: 'message D' });
      assert.ok(a < b && b < c && c < d);

      model.setScript([(request) => ({ kind: 'text', chunks: [`reply to ${lastUserText(request).replace(/\n+/g, ' + ')}`] })]);
      const requestsBefore = model.requests.length;
      const second = await spawnGateway(stateDir);
      children.push(second);
      const replies = (): string[] => bot.callsOf('sendMessage').filter((call) => call.status === 200).map((call) => String(call.params['text']));
      await eventually(() => ['A', 'B', 'C', 'D'].every((x) => replies().some((text) => text.includes(`message ${x}`))), 'a reply for every message', 30_000);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const seen = replies().flatMap((text) => [...text.matchAll(/message ([A-D])/g)].map((m) => m[1]));
      assert.deepEqual([...seen].sort(), ['A', 'B', 'C', 'D'], `each message answered exactly once: ${JSON.stringify(replies())}`);
      const asked = model.requests.slice(requestsBefore).flatMap((request) => [...lastUserText(request).matchAll(/message ([A-D])/g)].map((m) => m[1]));
      assert.deepEqual([...asked].sort(), ['A', 'B', 'C', 'D'], 'each message reached the model exactly once after the restart');
      await kill9(second);
      const db = openSqlite(stateDatabasePath(stateDir));
      try {
        assert.equal(db.pragma('integrity_check', { simple: true }), 'ok', 'no corruption after two kill -9');
      } finally {
        db.close();
      }
    } finally {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await bot.close();
      await model.close();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
