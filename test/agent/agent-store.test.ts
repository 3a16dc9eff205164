/** The agent's SQLite repository: an accepted turn is stored in one commit or not at all. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { AgentStore } from '../../src/agent/store/agent-store.js';
import { AGENT_MIGRATIONS } from '../../src/agent/store/migrations.js';
import { openDatabase } from '../../src/store/index.js';

describe('AgentStore.acceptTurn', () => {
  it('stores the session, the run and the user message together', () => {
    const store = new AgentStore(openDatabase(':memory:', AGENT_MIGRATIONS), randomUUID);
    const session = store.acceptTurn({ sessionKey: 'agent:main:a', agentId: 'main', runId: 'r1', message: { role: 'user', content: 'hi', timestamp: 5 }, nowMs: 5, isStarting: true });
    assert.equal(store.getSession('agent:main:a')?.sessionId, session.sessionId);
    assert.equal(store.getRun('r1')?.status, 'running', 'a run that starts at once is stored running');
    assert.deepEqual(store.messages(session.sessionId).map((m) => m.message), [{ role: 'user', content: 'hi', timestamp: 5 }]);
    store.acceptTurn({ sessionKey: 'agent:main:a', agentId: 'main', runId: 'r2', message: { role: 'user', content: 'again', timestamp: 6 }, nowMs: 6, isStarting: false });
    assert.equal(store.messages(session.sessionId).length, 2, 'the second turn reuses the session');
    assert.equal(store.getRun('r2')?.status, 'queued');
  });

  it('leaves nothing behind when any part fails (no run row without its message)', () => {
    const store = new AgentStore(openDatabase(':memory:', AGENT_MIGRATIONS), randomUUID);
    // A BigInt cannot be serialized: the message insert throws after the session and run rows were written.
    const unserializable = { role: 'user', content: 'x', timestamp: 1, extra: 1n } as never;
    assert.throws(() => store.acceptTurn({ sessionKey: 'agent:main:b', agentId: 'main', runId: 'r3', message: unserializable, nowMs: 1, isStarting: true }), TypeError);
    assert.equal(store.getSession('agent:main:b'), undefined);
    assert.equal(store.getRun('r3'), undefined);
  });
});
