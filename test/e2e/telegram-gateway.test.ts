/**
 * The channels feature inside a real gateway, against a FAKE Telegram Bot API server
 * (test/helpers/fake-telegram.ts, reached through channels.telegram.apiRoot): channels.status in
 * OpenClaw's shape, health and /readyz, the send RPC, the pairing CLI, and the token kept out of logs.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createChannelsFeature, type AgentPort } from '../../src/channels/index.js';
import { runCliInProcess } from '../helpers/cli.js';
import { eventually } from '../helpers/telegram-harness.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { openAuthenticatedSocket } from '../helpers/raw-socket.js';

const echo: AgentPort = { runTurn: async (request) => ({ status: 'ok', text: `echo: ${request.text}` }) };

async function call(gateway: TestGateway, method: string, params: unknown, scopes = ['operator.admin', 'operator.read', 'operator.write', 'operator.pairing']): Promise<Record<string, unknown>> {
  const socket = await openAuthenticatedSocket(gateway.url, gateway.token!, scopes);
  try {
    socket.send({ type: 'req', id: 'q1', method, params });
    return await socket.waitFor((f) => f['type'] === 'res' && f['id'] === 'q1');
  } finally {
    socket.socket.close();
  }
}

describe('Telegram in the gateway (fake Bot API)', () => {
  let fake: FakeTelegram | undefined;
  let gateway: TestGateway | undefined;
  afterEach(async () => {
    await gateway?.stop();
    await fake?.close();
    gateway = undefined;
    fake = undefined;
  });

  async function start(telegram: Record<string, unknown> = {}, agent: AgentPort = echo): Promise<{ fake: FakeTelegram; gateway: TestGateway }> {
    fake = await FakeTelegram.start();
    gateway = await startTestGateway({
      features: [createChannelsFeature({ agent: () => agent, telegramPerChatMinMs: 10 })],
      config: { channels: { telegram: { botToken: fake.token, apiRoot: `${fake.apiRoot}/bot${fake.token}/`, ...telegram } } },
    });
    await eventually(() => fake!.isPollHeld, 'polling');
    return { fake, gateway };
  }

  it('reports channels.status, health and status in OpenClaw\'s shape, and probes with getMe', async () => {
    const { gateway: gw } = await start({ allowFrom: [555] });
    const res = await call(gw, 'channels.status', { probe: true, timeoutMs: 8000 });
    assert.equal(res['ok'], true, JSON.stringify(res['error']));
    const status = res['payload'] as Record<string, any>;
    assert.deepEqual(status['channelOrder'], ['telegram']);
    assert.equal(status['channelLabels'].telegram, 'Telegram');
    assert.equal(status['channelDefaultAccountId'].telegram, 'default');
    const account = status['channelAccounts'].telegram[0];
    assert.equal(account.configured, true);
    assert.equal(account.running, true);
    assert.equal(account.connected, true);
    assert.equal(account.mode, 'polling');
    assert.equal(account.lifecycle, 'ready');
    assert.equal(account.probe.ok, true);
    assert.equal(account.probe.bot.username, 'clawgate_test_bot');
    assert.equal(status['channels'].telegram.configured, true);
    const health = (await call(gw, 'health', {}))['payload'] as Record<string, any>;
    assert.equal(health['channels'].telegram.connected, true);
    assert.ok(health['channelOrder'].includes('telegram'));
    assert.equal(health['channels'].telegram.accounts.default.mode, 'polling');
    const gatewayStatus = (await call(gw, 'status', {}))['payload'] as Record<string, any>;
    assert.equal(gatewayStatus['channels'][0].id, 'telegram');
    assert.equal((await fetch(`http://127.0.0.1:${gw.server.port}/readyz`)).status, 200);
  });

  it('delivers the send RPC to a Telegram chat and answers in OpenClaw\'s shape', async () => {
    const { fake: bot, gateway: gw } = await start({ allowFrom: [555] });
    const res = await call(gw, 'send', { to: 'telegram:555', message: 'hello from the **gateway**', idempotencyKey: 'send-1' });
    assert.equal(res['ok'], true, JSON.stringify(res['error']));
    const payload = res['payload'] as Record<string, unknown>;
    assert.equal(payload['runId'], 'send-1');
    assert.equal(payload['channel'], 'telegram');
    assert.equal(typeof payload['messageId'], 'string');
    assert.deepEqual(bot.sentTexts(555), ['hello from the <b>gateway</b>']);
    const repeat = await call(gw, 'send', { to: 'telegram:555', message: 'hello from the **gateway**', idempotencyKey: 'send-1' });
    assert.equal((repeat['payload'] as Record<string, unknown>)['messageId'], payload['messageId']);
    assert.equal(bot.sentTexts(555).length, 1, 'a repeated idempotency key sends nothing');
    const bad = await call(gw, 'send', { to: '@someone', message: 'x', idempotencyKey: 'send-2' });
    assert.equal((bad['error'] as Record<string, any>)['details'].code, 'CHANNEL_TARGET_INVALID');
  });

  it('pairs an unknown sender: code, no processing, `clawgate pairing approve telegram <code> --notify`, then a reply', async () => {
    const turns: string[] = [];
    const { fake: bot, gateway: gw } = await start({}, { runTurn: async (request) => (turns.push(request.text), { status: 'ok', text: `echo: ${request.text}` }) });
    bot.injectMessage({ chatId: 555001, text: 'hi bot', username: 'newuser' });
    const challenge = await bot.waitForCall('sendMessage');
    const code = /<pre><code>([A-Z2-9]{8})<\/code><\/pre>/.exec(String(challenge.params['text']))![1]!;
    assert.equal(turns.length, 0);
    const env = { CLAWGATE_STATE_DIR: gw.paths.stateDir };
    const listed = await runCliInProcess(['pairing', 'list', 'telegram', '--url', gw.url, '--token', gw.token!, '--json'], env);
    assert.equal(listed.code, 0, listed.stderr);
    const list = JSON.parse(listed.stdout) as { requests: { id: string; code: string; meta: Record<string, string> }[] };
    assert.deepEqual(list.requests.map((r) => [r.id, r.code, r.meta['username']]), [['555001', code, 'newuser']]);
    const approved = await runCliInProcess(['pairing', 'approve', 'telegram', code, '--notify', '--url', gw.url, '--token', gw.token!], env);
    assert.equal(approved.code, 0, approved.stderr);
    assert.match(approved.stdout, /Approved telegram sender 555001\./);
    assert.match(approved.stdout, /Command owner configured telegram:555001/);
    await bot.waitForCall('sendMessage', (c) => /access approved/.test(String(c.params['text'])));
    bot.injectMessage({ chatId: 555001, text: 'hello again' });
    await bot.waitForCall('sendMessage', (c) => c.params['text'] === 'echo: hello again');
    assert.deepEqual(turns, ['hello again']);
    const unknown = await runCliInProcess(['pairing', 'approve', 'telegram', 'ZZZZZZZZ', '--url', gw.url, '--token', gw.token!], env);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /no pending telegram pairing request matches code ZZZZZZZZ/);
  });

  it('stops and starts the channel with channels.stop|start (operator.admin only)', async () => {
    const { fake: bot, gateway: gw } = await start({ allowFrom: [555] });
    const denied = await call(gw, 'channels.stop', { channel: 'telegram' }, ['operator.read', 'operator.write']);
    assert.equal((denied['error'] as Record<string, any>)['details'].code, 'MISSING_SCOPE');
    const stopped = await call(gw, 'channels.stop', { channel: 'telegram' });
    assert.equal((stopped['payload'] as Record<string, unknown>)['stopped'], true);
    const account = ((await call(gw, 'channels.status', {}))['payload'] as Record<string, any>)['channelAccounts'].telegram[0];
    assert.deepEqual([account.running, account.lifecycle], [false, 'stopped']);
    assert.equal(bot.isPollHeld, false, 'no poll while stopped');
    await call(gw, 'channels.start', { channel: 'telegram' });
    await eventually(() => bot.isPollHeld, 'polling again');
    const unknown = await call(gw, 'channels.start', { channel: 'whatsapp' });
    assert.equal((unknown['error'] as Record<string, any>)['details'].code, 'CHANNEL_UNSUPPORTED');
  });

  it('answers /readyz 503 while the token is revoked, says why, and never logs the token', async () => {
    const { fake: bot, gateway: gw } = await start({ allowFrom: [555] });
    bot.revokeToken();
    bot.injectMessage({ chatId: 555, text: 'wake' });
    await eventually(async () => (await fetch(`http://127.0.0.1:${gw.server.port}/readyz`)).status === 503, 'readyz 503');
    const env = { CLAWGATE_STATE_DIR: gw.paths.stateDir };
    const human = await runCliInProcess(['channels', 'status', '--url', gw.url, '--token', gw.token!], env);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /Telegram \(default\): blocked/);
    assert.match(human.stdout, /last error +Telegram rejected the bot token \(401 Unauthorized\)/);
    assert.equal(gw.logLines.some((line) => line.includes(bot.token)), false, 'token in a log line');
    assert.equal(gw.logLines.some((line) => line.includes(bot.token.split(':')[1]!)), false, 'token secret part in a log line');
  });
});
