/** The chat panel's data model (ui/src/chat-model.ts): history pages and live events as display items. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyAgentEvent, applyChatEvent, approvalItem, itemsFromHistory, resolvedApprovalState, type ChatItem } from '../../ui/src/chat-model.js';

describe('chat model', () => {
  it('turns a transcript into user, assistant and tool items, the tool result filling its card', () => {
    const items = itemsFromHistory(
      [
        { role: 'user', content: 'what system?' },
        { role: 'assistant', content: [{ type: 'toolCall', id: 'c1', name: 'exec', arguments: { command: 'uname -a', node: 'box' } }], stopReason: 'toolUse' },
        { role: 'toolResult', toolCallId: 'c1', toolName: 'exec', content: [{ type: 'text', text: 'Linux box 6.1' }], isError: false },
        { role: 'assistant', content: [{ type: 'text', text: 'It runs **Linux**.' }], stopReason: 'stop' },
        { role: 'assistant', content: [{ type: 'text', text: 'partial' }], stopReason: 'aborted' },
      ],
      'h:',
    );
    assert.deepEqual(
      items.map((item) => item.kind),
      ['user', 'tool', 'assistant', 'assistant'],
    );
    assert.deepEqual(items[1], { kind: 'tool', id: 'c1', name: 'exec', command: 'uname -a', nodeId: 'box', output: 'Linux box 6.1', status: 'done' });
    assert.equal((items[3] as { state: string }).state, 'aborted');
  });

  it('streams deltas into one reply and settles it on final, aborted or error', () => {
    let items: ChatItem[] = [];
    items = applyChatEvent(items, { runId: 'r1', state: 'delta', deltaText: 'Hel', message: { content: [{ type: 'text', text: 'Hel' }] } });
    items = applyChatEvent(items, { runId: 'r1', state: 'delta', deltaText: 'lo', message: { content: [{ type: 'text', text: 'Hello' }] } });
    assert.equal(items.length, 1);
    assert.deepEqual([items[0]!.kind, (items[0] as { text: string }).text, (items[0] as { state: string }).state], ['assistant', 'Hello', 'streaming']);
    items = applyChatEvent(items, { runId: 'r1', state: 'final', message: { content: [{ type: 'text', text: 'Hello!' }] } });
    assert.deepEqual([(items[0] as { text: string }).text, (items[0] as { state: string }).state], ['Hello!', 'final']);
    items = applyChatEvent(items, { runId: 'r2', state: 'error', errorMessage: 'model timed out' });
    assert.deepEqual([(items[1] as { state: string }).state, (items[1] as { error?: string }).error], ['error', 'model timed out']);
  });

  it('opens a tool card on item start and fills it from command_output with the exit code', () => {
    let items: ChatItem[] = [];
    items = applyAgentEvent(items, { runId: 'r1', stream: 'item', data: { toolCallId: 'c9', name: 'exec', phase: 'start' } });
    items = applyAgentEvent(items, { runId: 'r1', stream: 'command_output', data: { toolCallId: 'c9', title: 'false', output: '', exitCode: 1, status: 'failed' } });
    assert.deepEqual(items, [{ kind: 'tool', id: 'c9', name: 'exec', command: 'false', output: '', exitCode: 1, status: 'error' }]);
    assert.equal(applyAgentEvent(items, { runId: 'r1', stream: 'usage', data: {} }), items, 'other streams change nothing');
  });

  it('reads an exec approval request', () => {
    assert.deepEqual(approvalItem({ id: 'a1', request: { command: 'uname -a', nodeId: 'n1', cwd: '/tmp', sessionKey: 'agent:main:main' } }), {
      kind: 'approval',
      id: 'a1',
      command: 'uname -a',
      nodeId: 'n1',
      cwd: '/tmp',
      state: 'pending',
    });
  });

  it('offers Always allow only when the request lists allow-always, and reads every resolved state', () => {
    assert.equal(approvalItem({ id: 'a2', request: { command: 'x', allowedDecisions: ['allow-once', 'allow-always', 'deny'] } }).canAllowAlways, true);
    assert.equal(approvalItem({ id: 'a3', request: { command: 'x', allowedDecisions: ['allow-once', 'deny'] } }).canAllowAlways, undefined);
    const states = [{ decision: 'allow-once' }, { decision: 'allow-always' }, { decision: 'deny' }, { decision: 'deny', resolvedBy: 'expired' }, { decision: 'bogus' }].map((p) => resolvedApprovalState(p));
    assert.deepEqual(states, ['allow-once', 'allow-always', 'deny', 'expired', 'deny']);
  });
});
