/**
 * Durable ingress: the update queue in SQLite, restarts mid-turn, 409 conflicts, stalled polls and
 * webhook mode, against a FAKE Bot API server (test/helpers/fake-telegram.ts).
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TelegramIngressStore } from '../../../src/channels/telegram/index.js';
import type { AgentPort } from '../../../src/channels/index.js';
import { createChannelDb } from '../../helpers/channel-db.js';
import { createFakeClock } from '../../helpers/fake-clock.js';
import { FakeTelegram } from '../../helpers/fake-telegram.js';
import { echoAgent, eventually, startTelegramHarness, type TelegramHarness } from '../../helpers/telegram-harness.js';

describe('TelegramIngressStore', () => {
  it('commits updates with the next offset and ignores replays', () => {
    const db = createChannelDb();
    try {
      const store = new TelegramIngressStore(db.db, 'default', () => 1000);
      assert.equal(store.nextOffset(), 0);
      assert.equal(store.enqueue([{ update_id: 10 }, { update_id: 11 }]).length, 2);
      assert.equal(store.nextOffset(), 12);
      assert.deepEqual(store.enqueue([{ update_id: 11 }, { update_id: 12 }]).map((u) => u.updateId), [12]);
      assert.equal(store.nextOffset(), 13);
    } finally {
      db.cleanup();
    }
  });

  it('after a restart re-queues admitted updates and closes those mid-reply without resending', () => {
    const db = createChannelDb();
    try {
      const store = new TelegramIngressStore(db.db, 'default', () => 1000);
      store.enqueue([{ update_id: 1 }, { update_id: 2 }, { update_id: 3 }, { update_id: 4 }]);
      store.markAdmitted([1]);
      store.markAdmitted([2]);
      store.markSending([2]);
      store.markDone([3], 'replied');
      const restarted = new TelegramIngressStore(db.reopen(), 'default', () => 2000);
      const { requeued, interrupted } = restarted.recover();
      assert.deepEqual(requeued.map((u) => u.updateId), [1, 4]);
      assert.equal(interrupted, 1);
      assert.deepEqual(restarted.get(2), { state: 'done', outcome: 'interrupted' });
    } finally {
      db.cleanup();
    }
  });
});

describe('Telegram ingress (fake Bot API)', () => {
  const harnesses: TelegramHarness[] = [];
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.close();
  });

  it('processes every update exactly once across a restart with updates queued and a turn running', async () => {
    const fake = await FakeTelegram.start();
    const db = createChannelDb();
    try {
      const hanging: AgentPort = { runTurn: () => new Promise(() => undefined) };
      const first = await startTelegramHarness({ config: { allowFrom: [555, 556, 557] }, agent: hanging, fake, db });
      fake.injectMessage({ chatId: 555, text: 'one' });
      await eventually(() => first.turns.length === 1, 'turn running');
      fake.injectMessage({ chatId: 555, text: 'two' });
      fake.injectMessage({ chatId: 556, text: 'three' });
      await eventually(() => first.turns.length === 2 && first.ingress.counts().queued === 0, 'all taken');
      await first.close();
      assert.equal(fake.callsOf('sendMessage').length, 0);
      fake.injectMessage({ chatId: 557, text: 'four (arrived while down)' });
      const second = await startTelegramHarness({ config: { allowFrom: [555, 556, 557] }, agent: echoAgent(), fake, db });
      harnesses.push(second);
      await eventually(() => fake.callsOf('sendMessage').filter((c) => c.status === 200).length === 3, 'three replies');
      await second.router.idle();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const texts = fake.callsOf('sendMessage').map((call) => String(call.params['text'])).sort();
      assert.deepEqual(texts, ['echo: four (arrived while down)', 'echo: one\n\ntwo', 'echo: three']);
    } finally {
      await fake.close();
      db.cleanup();
    }
  });

  it('reports a 409 "another poller" conflict in plain words and recovers', async () => {
    const h = await startTelegramHarness({ config: { allowFrom: [555] } });
    harnesses.push(h);
    await eventually(() => h.fake.isPollHeld, 'poll held');
    const other = await fetch(`${h.fake.apiRoot}/bot${h.fake.token}/getUpdates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ timeout: 0 }) });
    assert.equal(other.status, 200);
    await eventually(async () => (await h.account())['conflicts'] === 1, 'conflict counted');
    const account = await h.account();
    assert.match(String(account['lastError']), /another poller uses this token \(409 Conflict\)/);
    h.fake.injectMessage({ chatId: 555, text: 'still there?' });
    await h.fake.waitForCall('sendMessage', (call) => call.status === 200);
    await eventually(async () => (await h.account())['lastError'] === null, 'error cleared after a good poll');
  });

  it('detects a stalled long poll, says so, and polls again', async () => {
    const clock = createFakeClock(Date.now());
    const h = await startTelegramHarness({ config: { allowFrom: [555] }, clock });
    harnesses.push(h);
    await eventually(() => h.fake.isPollHeld, 'poll held');
    h.fake.stallPolls(true);
    h.fake.injectMessage({ chatId: 555, text: 'wakes the held poll' });
    await eventually(() => h.fake.callsOf('getUpdates').some((call) => call.status === 0), 'a stalled poll');
    h.fake.stallPolls(false);
    clock.advance(150_000);
    await eventually(async () => (await h.account())['pollStalls'] === 1, 'stall detected');
    assert.match(String((await h.account())['lastError']), /long poll stalled: no getUpdates completed for 1[2-9]\d s/);
    h.fake.injectMessage({ chatId: 555, text: 'after the stall' });
    await eventually(async () => {
      clock.advance(100);
      return h.fake.callsOf('sendMessage').some((call) => call.params['text'] === 'echo: after the stall');
    }, 'reply after the stall');
    assert.equal((await h.account())['connected'], true);
  });

  it('runs in webhook mode: secret checked, acknowledged once durable, turn after', async () => {
    const h = await startTelegramHarness({ config: { allowFrom: [555], webhookUrl: 'https://bot.example.com/telegram-webhook', webhookSecret: 'hook-secret-123', webhookPort: 0 } });
    harnesses.push(h);
    const setWebhook = h.fake.callsOf('setWebhook')[0];
    assert.equal(setWebhook?.params['url'], 'https://bot.example.com/telegram-webhook');
    assert.equal(setWebhook?.params['secret_token'], 'hook-secret-123');
    assert.equal(h.fake.callsOf('getUpdates').length, 0);
    const account = await h.account();
    assert.equal(account['mode'], 'webhook');
    const url = `http://127.0.0.1:${String(account['port'])}/telegram-webhook`;
    const update = { update_id: 900, message: { message_id: 1, date: 0, chat: { id: 555, type: 'private' }, from: { id: 555, is_bot: false, first_name: 'T' }, text: 'via webhook' } };
    const denied = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'wrong' }, body: JSON.stringify(update) });
    assert.equal(denied.status, 401);
    assert.equal(await denied.text(), 'unauthorized');
    const accepted = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'hook-secret-123' }, body: JSON.stringify(update) });
    assert.equal(accepted.status, 200);
    assert.equal(accepted.headers.get('x-openclaw-delivery-accepted'), 'durable');
    const replay = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'hook-secret-123' }, body: JSON.stringify(update) });
    assert.equal(replay.status, 200);
    await h.fake.waitForCall('sendMessage', (call) => call.params['text'] === 'echo: via webhook');
    await h.router.idle();
    assert.equal(h.turns.length, 1, 'a redelivered update is not processed twice');
    assert.equal((await fetch(`http://127.0.0.1:${String(account['port'])}/healthz`)).status, 200);
    assert.equal((await fetch(url)).status, 404);
  });
});
