/**
 * The agent feature's part of `health` through a real gateway: the session count is cached (a health
 * call no longer runs COUNT(*)), yet follows every create, reset and delete at once, and sees rows
 * another SQLite connection wrote once the cache ages out. The gateway runs on a fake clock, so the
 * count can only move through invalidation until the test advances time.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createAgentFeature } from '../../src/agent/feature.js';
import { AgentStore, SESSION_COUNT_MAX_AGE_MS } from '../../src/agent/store/agent-store.js';
import { stateDatabasePath } from '../../src/store/index.js';
import { openSqlite } from '../../src/store/sqlite-driver.js';
import { createFakeClock } from '../helpers/fake-clock.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { call } from '../helpers/node-socket.js';
import { openAuthenticatedSocket, type RawSocket } from '../helpers/raw-socket.js';

async function sessionCount(socket: RawSocket): Promise<number> {
  const response = await call(socket, 'health');
  assert.equal(response['ok'], true, JSON.stringify(response['error']));
  return (response['payload'] as { sessions: { count: number } }).sessions.count;
}

describe('agent feature: the session count in health', () => {
  const clock = createFakeClock();
  let gateway: TestGateway;
  let admin: RawSocket;
  before(async () => {
    gateway = await startTestGateway({ features: [createAgentFeature()], clock });
    admin = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.admin']);
  });
  after(async () => {
    admin.socket.close();
    await gateway.stop();
  });

  it('follows creates, resets and deletes at once, with no time passing', async () => {
    assert.equal(await sessionCount(admin), 0);
    assert.equal((await call(admin, 'sessions.reset', { key: 'one' }))['ok'], true);
    assert.equal(await sessionCount(admin), 1);
    assert.equal((await call(admin, 'sessions.reset', { key: 'two' }))['ok'], true);
    assert.equal((await call(admin, 'sessions.reset', { key: 'two' }))['ok'], true, 'a reset of an existing key adds nothing');
    assert.equal(await sessionCount(admin), 2);
    assert.equal(((await call(admin, 'sessions.delete', { key: 'one' }))['payload'] as { deleted: boolean }).deleted, true);
    assert.equal(await sessionCount(admin), 1);
    const status = await call(admin, 'status');
    assert.equal((status['payload'] as { sessions: { count: number } }).sessions.count, 1, 'status reads the same count');
  });

  it('sees sessions another connection wrote once the cached count is older than SESSION_COUNT_MAX_AGE_MS', async () => {
    const before = await sessionCount(admin);
    const db = openSqlite(stateDatabasePath(gateway.paths.stateDir));
    try {
      db.pragma('busy_timeout = 5000');
      new AgentStore(db, randomUUID).ensureSession('agent:main:written-elsewhere', 'main', clock.now());
    } finally {
      db.close();
    }
    assert.equal(await sessionCount(admin), before, 'served from the cache within its age');
    clock.advance(SESSION_COUNT_MAX_AGE_MS);
    assert.equal(await sessionCount(admin), before + 1);
  });
});
