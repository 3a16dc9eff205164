/**
 * Reply delivery against a FAKE Bot API server (test/helpers/fake-telegram.ts): 429 with
 * retry_after, 5xx, revoked token, HTML parse errors, blocked chats, long answers, streaming modes,
 * and what channels.status says about each.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../../src/protocol/index.js';
import type { AgentPort } from '../../../src/channels/index.js';
import { createFakeClock } from '../../helpers/fake-clock.js';
import { echoAgent, eventually, startTelegramHarness, type TelegramHarness } from '../../helpers/telegram-harness.js';

const okSends = (h: TelegramHarness) => h.fake.callsOf('sendMessage').filter((call) => call.status === 200);

describe('Telegram delivery (fake Bot API)', () => {
  let h: TelegramHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('honours 429 retry_after on sendMessage and sends exactly once', async () => {
    h = await startTelegramHarness({ config: { allowFrom: [555] } });
    h.fake.failNext('sendMessage', { status: 429, description: 'Too Many Requests: retry after 1', retryAfterSec: 1 });
    h.fake.injectMessage({ chatId: 555, text: 'hi' });
    const ok = await h.fake.waitForCall('sendMessage', (call) => call.status === 200);
    const limited = h.fake.callsOf('sendMessage').find((call) => call.status === 429)!;
    assert.ok(ok.atMs - limited.atMs >= 950, `retried after ${ok.atMs - limited.atMs} ms`);
    assert.equal(okSends(h).length, 1);
    const account = await h.account();
    assert.equal(account['rateLimited'], 1);
    assert.match(String(account['lastError']), /429/);
  });

  it('never repeats a sendMessage that got a 5xx (it may have reached Telegram) and says so in status', async () => {
    h = await startTelegramHarness({ config: { allowFrom: [555] } });
    h.fake.failNext('sendMessage', { status: 500, description: 'Internal Server Error' });
    h.fake.injectMessage({ chatId: 555, text: 'hi' });
    await h.fake.waitForCall('sendMessage');
    await h.router.idle();
    assert.equal(h.fake.callsOf('sendMessage').length, 1);
    assert.match(String((await h.account())['lastError']), /Telegram server error \(500/);
    assert.equal(h.ingress.counts().sending, 0);
  });

  it('rides out a burst of 5xx on getUpdates with backoff and keeps every update', async () => {
    const clock = createFakeClock(Date.now());
    h = await startTelegramHarness({ config: { allowFrom: [555] }, clock });
    await eventually(() => h!.fake.isPollHeld, 'poll held');
    h.fake.failNext('getUpdates', { status: 502, description: 'Bad Gateway', times: 3 });
    h.fake.injectMessage({ chatId: 555, text: 'before the outage' });
    await eventually(() => h!.fake.callsOf('getUpdates').some((call) => call.status === 502), 'outage starts');
    h.fake.injectMessage({ chatId: 556, fromId: 555, text: 'during the outage' });
    await eventually(async () => {
      clock.advance(500);
      return okSends(h!).length === 2;
    }, 'both replies after the outage');
    assert.equal(h.fake.callsOf('getUpdates').filter((call) => call.status === 502).length, 3);
    assert.deepEqual(okSends(h).map((call) => call.params['chat_id']).sort(), ['555', '556']);
    assert.deepEqual(clock.sleeps.length, 0, 'poll backoff uses timers, not sleep');
    const account = await h.account();
    assert.equal(account['connected'], true);
  });

  it('blocks the account on a revoked token (401): lifecycle blocked, no more polling, readiness false', async () => {
    h = await startTelegramHarness({ config: { allowFrom: [555] } });
    await eventually(() => h!.fake.isPollHeld, 'poll held');
    h.fake.revokeToken();
    h.fake.injectMessage({ chatId: 555, text: 'wake the poll' });
    await eventually(async () => (await h!.account())['lifecycle'] === 'blocked', 'blocked');
    const account = await h.account();
    assert.match(String(account['lastError']), /401 Unauthorized/);
    assert.equal(account['running'], false);
    assert.deepEqual(h.manager.readiness().ready, false);
    const polls = h.fake.callsOf('getUpdates').length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(h.fake.callsOf('getUpdates').length, polls, 'no polling while blocked');
    const status = await h.status();
    assert.ok(status.statusIssues.some((issue) => issue.kind === 'auth' && /401/.test(issue.message)));
  });

  it('stops the typing loop on 401 instead of hammering Telegram', async () => {
    const clock = createFakeClock(Date.now());
    let release!: () => void;
    const slow: AgentPort = { runTurn: () => new Promise((resolve) => (release = () => resolve({ status: 'ok', text: 'late' }))) };
    h = await startTelegramHarness({ config: { allowFrom: [555] }, clock, agent: slow });
    h.fake.injectMessage({ chatId: 555, text: 'take your time' });
    await eventually(async () => {
      clock.advance(60);
      return h!.fake.callsOf('sendChatAction').length === 1;
    }, 'first typing');
    await eventually(async () => {
      clock.advance(1000);
      return h!.fake.callsOf('sendChatAction').length === 2;
    }, 'typing repeats every 5 s');
    h.fake.revokeToken();
    await eventually(async () => {
      clock.advance(1000);
      return h!.fake.callsOf('sendChatAction').some((call) => call.status === 401);
    }, 'typing 401');
    const typingCalls = h.fake.callsOf('sendChatAction').length;
    for (let i = 0; i < 10; i++) {
      clock.advance(5000);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(h.fake.callsOf('sendChatAction').length, typingCalls, 'no typing after the 401');
    release();
  });

  it('retries once as plain text when Telegram cannot parse the HTML', async () => {
    h = await startTelegramHarness({ config: { allowFrom: [555] }, agent: echoAgent(() => 'See [the docs](https://example.com/a) and **this**') });
    h.fake.failNext('sendMessage', { status: 400, description: "Bad Request: can't parse entities: unsupported start tag \"x\" at byte offset 4", when: (params) => params['parse_mode'] === 'HTML' });
    h.fake.injectMessage({ chatId: 555, text: 'docs?' });
    const ok = await h.fake.waitForCall('sendMessage', (call) => call.status === 200);
    assert.equal(ok.params['parse_mode'], undefined);
    assert.equal(ok.params['text'], 'See the docs (https://example.com/a) and this');
    assert.equal(h.fake.callsOf('sendMessage').length, 2);
    await h.router.idle();
    assert.match(String((await h.account())['lastError']), /could not parse the formatted message .*sent as plain text instead/);
  });

  it('escapes angle brackets so a reply about HTML still parses', async () => {
    h = await startTelegramHarness({ config: { allowFrom: [555] }, agent: echoAgent(() => 'Use <div> & <span> tags; `a < b`') });
    h.fake.injectMessage({ chatId: 555, text: 'html?' });
    const ok = await h.fake.waitForCall('sendMessage', (call) => call.status === 200);
    assert.equal(ok.params['parse_mode'], 'HTML');
    assert.equal(ok.params['text'], 'Use &lt;div&gt; &amp; &lt;span&gt; tags; <code>a &lt; b</code>');
  });

  it('sends a 12,000-character answer as ≤4000-character messages on paragraph boundaries, in order', async () => {
    const paragraphs = Array.from({ length: 40 }, (_, i) => `Paragraph ${i}. ${'lorem ipsum '.repeat(24).trim()}.`);
    const answer = paragraphs.join('\n\n');
    assert.ok(answer.length >= 12_000);
    h = await startTelegramHarness({ config: { allowFrom: [555] }, agent: echoAgent(() => answer) });
    h.fake.injectMessage({ chatId: 555, text: 'long please' });
    await eventually(() => okSends(h!).map((c) => String(c.params['text'])).join('\n\n').length >= answer.length, 'all chunks');
    const texts = okSends(h).map((call) => String(call.params['text']));
    assert.ok(texts.length >= 3 && texts.length <= 4, `${texts.length} messages`);
    for (const text of texts) assert.ok(text.length <= 4000 && /^Paragraph \d+\./.test(text));
    assert.equal(texts.join('\n\n'), answer);
    await h.router.idle();
    assert.deepEqual({ ...((await h.account())['lastReply'] as object), at: 0 }, { at: 0, outcome: 'replied', messages: texts.length });
  });

  it('turns 403 "bot was blocked" into an actionable status line', async () => {
    h = await startTelegramHarness({ config: { allowFrom: [555] } });
    h.fake.blockChat(555);
    h.fake.injectMessage({ chatId: 555, text: 'hi' });
    await h.fake.waitForCall('sendMessage', (call) => call.status === 403);
    await h.router.idle();
    assert.match(String((await h.account())['lastError']), /blocked the bot \(403\)\. They must unblock it/);
  });

  it('streams a partial preview with edits and puts the final text in place (streaming.mode partial)', async () => {
    const clock = createFakeClock(Date.now());
    const agent: AgentPort = {
      runTurn: async (request) => {
        request.onDelta('The answer is coming along nicely, here it');
        await new Promise((resolve) => setTimeout(resolve, 50));
        clock.advance(1000);
        request.onDelta('The answer is coming along nicely, here it is: almost');
        await new Promise((resolve) => setTimeout(resolve, 50));
        return { status: 'ok', text: 'The answer is coming along nicely, here it is: done.' };
      },
    };
    h = await startTelegramHarness({ config: { allowFrom: [555], streaming: { mode: 'partial' } }, clock, agent });
    h.fake.injectMessage({ chatId: 555, text: 'stream' });
    await eventually(async () => {
      clock.advance(60);
      return h!.fake.callsOf('editMessageText').some((call) => String(call.params['text']).endsWith('done.'));
    }, 'final edit');
    assert.equal(okSends(h).length, 1, 'one preview message, finalized by editing');
    assert.match(String(okSends(h)[0]!.params['text']), /^The answer is coming along nicely/);
  });

  it('shows tool progress in one status message and the answer as a new message (streaming.mode progress)', async () => {
    const agent: AgentPort = {
      runTurn: async (request) => {
        request.onProgress('exec uname -a on box');
        await new Promise((resolve) => setTimeout(resolve, 100));
        return { status: 'ok', text: 'Linux box 6.1' };
      },
    };
    h = await startTelegramHarness({ config: { allowFrom: [555] }, agent });
    h.fake.injectMessage({ chatId: 555, text: 'uname?' });
    await eventually(() => okSends(h!).some((call) => call.params['text'] === 'Linux box 6.1'), 'answer');
    assert.match(String(okSends(h)[0]!.params['text']), /⏳ Working…\n• exec uname -a on box/);
  });

  it('sends one short readable message when the model fails', async () => {
    h = await startTelegramHarness({ config: { allowFrom: [555] }, agent: { runTurn: async () => ({ status: 'error', text: '⚠️ The model failed (local/test-model: HTTP 500). Usually temporary; try again.' }) } });
    h.fake.injectMessage({ chatId: 555, text: 'hi' });
    const ok = await h.fake.waitForCall('sendMessage', (call) => call.status === 200);
    assert.match(String(ok.params['text']), /^⚠️ The model failed/);
    await h.router.idle();
    assert.equal(okSends(h).length, 1);
  });

  it('delivers direct sends (the send RPC path) and refuses targets it cannot address', async () => {
    h = await startTelegramHarness({ config: { allowFrom: [555] } });
    const result = await h.manager.send('telegram', { to: 'telegram:555', text: 'ping' });
    assert.equal(result?.status, 'sent');
    assert.equal(typeof result?.messageId, 'string');
    await assert.rejects(h.channel.send({ to: '@someone', text: 'x' }), (error: unknown) => error instanceof GatewayError && error.code === 'CHANNEL_TARGET_INVALID');
  });
});
