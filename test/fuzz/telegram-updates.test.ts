/**
 * Property: whatever updates the Bot API delivers — real-looking messages from allowed and unknown
 * senders, groups, edited posts, callback queries, and the same with fields missing or of the wrong
 * type — the channel never crashes, commits every update (the offset moves past all of them), and
 * only a sender on `allowFrom` ever reaches the agent. Against a FAKE Bot API server
 * (test/helpers/fake-telegram.ts); the agent is a recording echo.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { fuzzRuns, fuzzSeed } from '../helpers/fuzz.js';
import { eventually, startTelegramHarness, type TelegramHarness } from '../helpers/telegram-harness.js';

const ALLOWED = 555;

/** Drops or replaces fields at random, keeping the rest of a real shape. */
function mutate(value: Record<string, unknown>, damage: readonly { key: string; replacement: unknown; drop: boolean }[]): Record<string, unknown> {
  const copy: Record<string, unknown> = structuredClone(value);
  for (const { key, replacement, drop } of damage) {
    const [head, tail] = key.split('.') as [string, string | undefined];
    const target = tail === undefined ? copy : (copy[head] as Record<string, unknown> | undefined);
    const field = tail ?? head;
    if (target === undefined || typeof target !== 'object' || target === null) continue;
    if (drop) delete target[field];
    else target[field] = replacement;
  }
  return copy;
}

describe('fuzz: Telegram updates', () => {
  let fake: FakeTelegram;
  let harness: TelegramHarness;
  before(async () => {
    fake = await FakeTelegram.start();
    harness = await startTelegramHarness({ fake, config: { allowFrom: [ALLOWED] } });
    await eventually(() => fake.isPollHeld, 'the channel polling');
  });
  after(async () => {
    await harness.close();
    await fake.close();
  });

  it('commits every update, never crashes, and lets only allowFrom senders reach the agent', async () => {
    const sender = fc.oneof(fc.constant(ALLOWED), fc.constant(556), fc.integer({ min: -1e12, max: 1e12 }));
    const message = fc.record({
      message_id: fc.nat(),
      date: fc.nat(),
      chat: fc.tuple(fc.constantFrom('private', 'group', 'supergroup', 'channel', 'weird'), sender).map(([type, id]) => ({ id: type === 'private' ? id : -Math.abs(id) - 1, type })),
      from: sender.map((id) => ({ id, is_bot: false, first_name: 'F' })),
      text: fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom('/start', '/new', '/stop', '/help', '/start@fake_bot x', '@fake_bot hi')),
    });
    const field = fc.constantFrom('message', 'edited_message', 'channel_post', 'my_chat_member', 'message_reaction');
    const damage = fc.array(
      fc.record({ key: fc.constantFrom('text', 'from', 'chat', 'from.id', 'chat.id', 'chat.type', 'message_id', 'entities'), replacement: fc.jsonValue({ maxDepth: 2 }), drop: fc.boolean() }),
      { maxLength: 2 },
    );
    const update = fc.oneof(
      { arbitrary: fc.tuple(field, message, damage).map(([kind, m, d]) => ({ [kind]: mutate(m, d) })), weight: 6 },
      fc.record({ callback_query: fc.record({ id: fc.string({ maxLength: 10 }), from: sender.map((id) => ({ id, is_bot: false, first_name: 'F' })), data: fc.string({ maxLength: 64 }), message: fc.constant(undefined) }, { requiredKeys: ['id'] }) }),
      fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
    );
    const updates = fc.sample(update, { numRuns: fuzzRuns(80), seed: fuzzSeed(1231) });
    for (const value of updates) fake.injectUpdate(JSON.parse(JSON.stringify(value)) as Record<string, unknown>);
    await eventually(() => fake.unconfirmedUpdates === 0, 'every update committed', 20_000);
    // Still alive: a plain message from the allowed sender is answered.
    fake.injectMessage({ chatId: ALLOWED, text: 'still there?' });
    await eventually(() => fake.sentTexts(ALLOWED).some((text) => text.includes('echo: still there?')), 'a reply after the fuzzed batch', 20_000);
    const outsiders = harness.turns.filter((turn) => turn.sender.id !== String(ALLOWED));
    assert.deepEqual(outsiders.map((turn) => turn.sender.id), [], 'no sender outside allowFrom reached the agent');
  });
});
