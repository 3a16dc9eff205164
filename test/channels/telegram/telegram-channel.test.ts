/**
 * The Telegram channel against a FAKE Bot API server (test/helpers/fake-telegram.ts) reached through
 * `channels.telegram.apiRoot`: start-up sequence, access, pairing, replies, and status.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, startTelegramHarness, type TelegramHarness } from '../../helpers/telegram-harness.js';

describe('Telegram channel (fake Bot API)', () => {
  let h: TelegramHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('starts like OpenClaw: getMe, deleteWebhook, command menus, then long polling', async () => {
    h = await startTelegramHarness({ config: { allowFrom: [555] } });
    await eventually(() => h!.fake.isPollHeld, 'a held long poll');
    assert.equal(h.fake.callsOf('getUpdates')[0]!.params['timeout'], 0, 'the first poll does not wait');
    const order = h.fake.calls.map((call) => call.method).filter((method, i, all) => all.indexOf(method) === i);
    assert.deepEqual(order.slice(0, 5), ['getMe', 'deleteWebhook', 'deleteMyCommands', 'setMyCommands', 'getUpdates']);
    const commands = h.fake.callsOf('setMyCommands')[0]!.params['commands'] as { command: string }[];
    assert.deepEqual(commands.map((c) => c.command), ['help', 'status', 'nodes', 'run', 'new', 'stop']);
    const account = await h.account();
    assert.equal(account['mode'], 'polling');
    assert.equal(account['connected'], true);
    assert.equal(account['lifecycle'], 'ready');
    assert.equal(account['tokenSource'], 'config');
  });

  it('restarts with backoff when Telegram is unreachable at start, saying why meanwhile', async () => {
    const { FakeTelegram } = await import('../../helpers/fake-telegram.js');
    const fake = await FakeTelegram.start();
    fake.failNext('getMe', { status: 502, description: 'Bad Gateway' });
    h = await startTelegramHarness({ config: { allowFrom: [555] }, fake });
    const failed = await h.account();
    assert.equal(failed['lifecycle'], 'recovering');
    assert.equal(failed['restartPending'], true);
    assert.match(String(failed['lastError']), /Telegram server error \(502/);
    await eventually(async () => (await h!.account())['lifecycle'] === 'ready', 'ready after the restart');
    assert.equal((await h.account())['reconnectAttempts'], 1);
    await h.close();
    h = undefined;
    await fake.close();
  });

  it('answers an allowed DM in the same chat, with typing first', async () => {
    h = await startTelegramHarness({ config: { allowFrom: [555] } });
    h.fake.injectMessage({ chatId: 555, text: 'hello **there**' });
    const reply = await h.fake.waitForCall('sendMessage', (call) => call.status === 200);
    assert.equal(reply.params['chat_id'], '555');
    assert.equal(reply.params['parse_mode'], 'HTML');
    assert.equal(reply.params['text'], 'echo: hello <b>there</b>');
    const typing = h.fake.callsOf('sendChatAction')[0];
    assert.ok(typing !== undefined && typing.atMs <= reply.atMs);
    assert.equal(h.turns[0]?.sessionKey, 'agent:main:main');
    const account = await h.account();
    assert.equal(typeof account['lastInboundAt'], 'number');
    assert.equal(typeof account['lastOutboundAt'], 'number');
  });

  it('merges rapid messages from one sender into one turn', async () => {
    h = await startTelegramHarness({ config: { allowFrom: [555] } });
    h.fake.injectMessage({ chatId: 555, text: 'part one' });
    h.fake.injectMessage({ chatId: 555, text: 'part two' });
    await h.fake.waitForCall('sendMessage', (call) => call.status === 200);
    await h.router.idle();
    assert.equal(h.turns.length, 1);
    assert.equal(h.turns[0]!.text, 'part one\n\npart two');
  });

  it('gives an unknown DM sender one pairing code and processes nothing of theirs', async () => {
    h = await startTelegramHarness();
    h.fake.injectMessage({ chatId: 777, text: 'let me in', username: 'stranger' });
    const reply = await h.fake.waitForCall('sendMessage');
    const text = String(reply.params['text']);
    const code = /<pre><code>([A-Z2-9]{8})<\/code><\/pre>/.exec(text)?.[1];
    assert.ok(code !== undefined, text);
    assert.match(text, /^Clawgate: access not configured\./);
    assert.match(text, new RegExp(`clawgate pairing approve telegram ${code}`));
    h.fake.injectMessage({ chatId: 777, text: 'hello?' });
    await eventually(() => h!.ingress.counts().queued === 0 && h!.fake.unconfirmedUpdates === 0, 'second update consumed');
    await eventually(async () => (await h!.account())['lastSkip'] !== null, 'skip recorded');
    assert.equal(h.fake.callsOf('sendMessage').length, 1, 'no second pairing reply');
    assert.equal(h.turns.length, 0, 'nothing processed');
    assert.equal((await h.account())['lastInboundAt'], null);
    const [request] = h.pairing.list();
    assert.equal(request?.senderId, '777');
    assert.equal(request?.meta['username'], 'stranger');
    h.pairing.approveByCode('telegram', code);
    h.fake.injectMessage({ chatId: 777, text: 'now?' });
    const answer = await h.fake.waitForCall('sendMessage', (call) => String(call.params['text']).startsWith('echo:'));
    assert.equal(answer.params['text'], 'echo: now?');
  });

  it('drops DMs under allowlist and disabled without replying, saying why in status', async () => {
    h = await startTelegramHarness({ config: { dmPolicy: 'allowlist', allowFrom: ['telegram:1'] } });
    h.fake.injectMessage({ chatId: 888, text: 'hi' });
    await eventually(async () => (await h!.account())['lastSkip'] !== null, 'skip recorded');
    const skip = (await h.account())['lastSkip'] as { reason: string };
    assert.match(skip.reason, /sender 888 is not in channels\.telegram\.allowFrom/);
    assert.equal(h.fake.callsOf('sendMessage').length, 0);
  });

  it('needs an allowed group and a mention by default, and routes a topic to its own session', async () => {
    h = await startTelegramHarness({ config: { allowFrom: [555], groups: { '-100123': {} } } });
    h.fake.injectMessage({ chatId: -100999, fromId: 555, text: '@clawgate_test_bot hi' });
    h.fake.injectMessage({ chatId: -100123, fromId: 555, text: 'no mention here' });
    h.fake.injectMessage({ chatId: -100123, fromId: 556, text: '@clawgate_test_bot stranger' });
    h.fake.injectMessage({ chatId: -100123, fromId: 555, threadId: 42, text: '@clawgate_test_bot what is up', entities: [{ type: 'mention', offset: 0, length: 18 }] });
    const reply = await h.fake.waitForCall('sendMessage', (call) => call.status === 200);
    assert.equal(reply.params['chat_id'], '-100123');
    assert.equal(reply.params['message_thread_id'], 42);
    assert.equal(reply.params['text'], 'echo: what is up');
    await h.router.idle();
    assert.equal(h.turns.length, 1);
    assert.equal(h.turns[0]!.sessionKey, 'agent:main:telegram:group:-100123:topic:42');
  });
});
