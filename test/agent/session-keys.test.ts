/** Session-key canonicalization (OpenClaw toAgentStoreSessionKey) and context-window trimming. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalSessionKey, peerSessionKey } from '../../src/agent/session-keys.js';
import { fitToContext, type TranscriptMessage } from '../../src/agent/transcript.js';

describe('canonicalSessionKey', () => {
  it('maps empty and main to the agent main session, prefixes bare keys, keeps agent: keys', () => {
    assert.equal(canonicalSessionKey(undefined), 'agent:main:main');
    assert.equal(canonicalSessionKey(''), 'agent:main:main');
    assert.equal(canonicalSessionKey('main', 'ops'), 'agent:ops:main');
    assert.equal(canonicalSessionKey('nodetest'), 'agent:main:nodetest');
    assert.equal(canonicalSessionKey('agent:other:x:y'), 'agent:other:x:y');
  });

  it('builds channel peer and group keys with lowercased peer ids', () => {
    assert.equal(peerSessionKey({ channel: 'telegram', kind: 'direct', peerId: 'AbC' }), 'agent:main:telegram:direct:abc');
    assert.equal(peerSessionKey({ channel: 'telegram', kind: 'group', peerId: '-100123', threadId: '42' }), 'agent:main:telegram:group:-100123:thread:42');
  });
});

describe('fitToContext', () => {
  const user = (text: string): TranscriptMessage => ({ role: 'user', content: text, timestamp: 0 });
  const call = (id: string): TranscriptMessage => ({ role: 'assistant', content: [{ type: 'toolCall', id, name: 'exec', arguments: { command: 'x'.repeat(400) } }], stopReason: 'toolUse', timestamp: 0 });
  const result = (id: string): TranscriptMessage => ({ role: 'toolResult', toolCallId: id, toolName: 'exec', content: [{ type: 'text', text: 'y'.repeat(400) }], isError: false, timestamp: 0 });

  it('drops whole oldest turns, never splitting a tool call from its result, and keeps the newest turn', () => {
    const messages = [user('old'), call('c1'), result('c1'), user('mid'), call('c2'), result('c2'), user('new')];
    const fitted = fitToContext(messages, 300);
    assert.equal(fitted[0]?.role, 'user');
    assert.deepEqual(fitted.map((m) => m.role === 'user' ? m.content : m.role), ['mid', 'assistant', 'toolResult', 'new']);
    assert.deepEqual(fitToContext(messages, 10).map((m) => m.role === 'user' ? m.content : m.role), ['new']);
    assert.equal(fitToContext(messages, 100_000).length, messages.length);
  });
});
