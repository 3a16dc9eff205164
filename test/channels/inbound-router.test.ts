import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InboundRouter, TURN_CRASHED_TEXT, type AgentPort, type InboundMessage, type ReplySink, type TurnRequest } from '../../src/channels/index.js';
import { createFakeClock } from '../helpers/fake-clock.js';

function message(text: string, overrides: Partial<InboundMessage> = {}): InboundMessage {
  return { channel: 'telegram', accountId: 'default', sender: { id: '555' }, conversation: { chatId: '555', kind: 'direct' }, text, isCommand: text.startsWith('/'), sourceIds: [1], receivedAtMs: 0, ...overrides };
}

function recordingSink(log: string[]): ReplySink {
  return {
    begin: () => log.push('begin'),
    partial: (text) => log.push(`partial:${text}`),
    progress: (line) => log.push(`progress:${line}`),
    final: async (text) => void log.push(`final:${text}`),
    fail: async (text) => void log.push(`fail:${text}`),
  };
}

function setup(agent: AgentPort) {
  const clock = createFakeClock();
  const log: string[] = [];
  const batches: string[][] = [];
  const router = new InboundRouter({
    clock,
    agent,
    sessionKeyOf: () => 'agent:main:main',
    openReply: (batch) => {
      batches.push(batch.map((m) => m.text));
      return recordingSink(log);
    },
  });
  return { clock, log, batches, router };
}

const echo: AgentPort = { runTurn: async (request: TurnRequest) => ({ status: 'ok', text: `echo ${request.text}` }) };

describe('InboundRouter', () => {
  it('merges rapid messages from one sender into one turn after the 300 ms quiet window', async () => {
    const { clock, log, batches, router } = setup(echo);
    router.accept(message('one'));
    clock.advance(200);
    router.accept(message('two'));
    clock.advance(299);
    assert.equal(batches.length, 0);
    clock.advance(1);
    await router.idle();
    assert.deepEqual(batches, [['one', 'two']]);
    assert.deepEqual(log, ['begin', 'final:echo one\n\ntwo']);
  });

  it('sends a command at once, after flushing the sender\'s open batch, keeping order', async () => {
    const { batches, router } = setup(echo);
    router.accept(message('hello'));
    router.accept(message('/status'));
    await router.idle();
    assert.deepEqual(batches, [['hello'], ['/status']]);
  });

  it('caps a batch at 7.5 s even if messages keep coming', async () => {
    const { clock, batches, router } = setup(echo);
    for (let i = 0; i < 40; i++) {
      router.accept(message(`m${i}`, { text: `m${i}` }));
      clock.advance(250);
    }
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(batches[0]?.length, 12, 'the 12-message cap comes first at this pace');
    await router.idle();
    assert.equal(batches.flat().length, 40);
  });

  it('turns a thrown turn into one short readable message', async () => {
    const { clock, log, router } = setup({ runTurn: async () => Promise.reject(new Error('socket hang up at foo.js:12')) });
    router.accept(message('hi'));
    clock.advance(300);
    await router.idle();
    assert.deepEqual(log, ['begin', `fail:${TURN_CRASHED_TEXT}`]);
  });

  it('passes streaming deltas and progress lines to the sink', async () => {
    const { clock, log, router } = setup({
      runTurn: async (request) => {
        request.onProgress('exec uname -a');
        request.onDelta('Lin');
        return { status: 'ok', text: 'Linux' };
      },
    });
    router.accept(message('x'));
    clock.advance(300);
    await router.idle();
    assert.deepEqual(log, ['begin', 'progress:exec uname -a', 'partial:Lin', 'final:Linux']);
  });

  it('delivers a model failure outcome through fail()', async () => {
    const { clock, log, router } = setup({ runTurn: async () => ({ status: 'error', text: '⚠️ Model unavailable (HTTP 500). Usually temporary.' }) });
    router.accept(message('x'));
    clock.advance(300);
    await router.idle();
    assert.deepEqual(log, ['begin', 'fail:⚠️ Model unavailable (HTTP 500). Usually temporary.']);
  });
});
