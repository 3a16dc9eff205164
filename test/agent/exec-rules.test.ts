/** The "Always allow" rule store (agent/store/exec-rules.ts) on real SQLite: exact keys only. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecRuleStore } from '../../src/agent/store/exec-rules.js';
import { AGENT_MIGRATIONS } from '../../src/agent/store/migrations.js';
import { openDatabase } from '../../src/store/index.js';

let counter = 0;
const createId = (): string => `rule-${++counter}`;
const META = { commandText: 'git status', approvalId: 'ap-1', resolvedBy: 'device-1', nowMs: 5 };
const KEY = { agentId: 'main', nodeId: 'node-a', argv: ['git', 'status'], cwd: null };

describe('ExecRuleStore', () => {
  it('finds a rule only for the exact argv, cwd, node and agent', () => {
    const rules = new ExecRuleStore(openDatabase(':memory:', AGENT_MIGRATIONS), createId);
    const rule = rules.add(KEY, META);
    assert.equal(rules.find(KEY, 5)?.id, rule.id);
    const misses = [
      { ...KEY, argv: ['git', 'push', '--force'] },
      { ...KEY, argv: ['git', 'status', '--porcelain'] },
      { ...KEY, argv: ['git'] },
      { ...KEY, argv: ['git status'] },
      { ...KEY, cwd: '/tmp' },
      { ...KEY, nodeId: 'node-b' },
      { ...KEY, agentId: 'other' },
    ];
    for (const key of misses) assert.equal(rules.find(key, 5), undefined, JSON.stringify(key));
  });

  it('keeps one rule when the same command is allowed always twice, and removes it by id', () => {
    const rules = new ExecRuleStore(openDatabase(':memory:', AGENT_MIGRATIONS), createId);
    const first = rules.add(KEY, META);
    const second = rules.add(KEY, { ...META, approvalId: 'ap-2', nowMs: 9 });
    assert.equal(second.id, first.id);
    assert.equal(rules.list().length, 1);
    rules.add({ ...KEY, cwd: '/srv' }, META);
    assert.equal(rules.list().length, 2, 'another cwd is another rule');
    assert.deepEqual(rules.list({ nodeId: 'node-b' }), []);
    rules.markUsed(first.id, 42);
    assert.deepEqual([rules.get(first.id)?.useCount, rules.get(first.id)?.lastUsedAtMs], [1, 42]);
    assert.equal(rules.remove(first.id), true);
    assert.equal(rules.remove(first.id), false);
    assert.equal(rules.find(KEY, 5), undefined);
  });

  it('stops covering at expiresAtMs; a new decision replaces an expired rule and the latest decision sets the expiry', () => {
    const rules = new ExecRuleStore(openDatabase(':memory:', AGENT_MIGRATIONS), createId);
    const rule = rules.add(KEY, { ...META, expiresAtMs: 100 });
    assert.equal(rules.find(KEY, 99)?.id, rule.id);
    assert.equal(rules.find(KEY, 100), undefined, 'expired at expiresAtMs');
    const renewed = rules.add(KEY, { ...META, approvalId: 'ap-2', nowMs: 150, expiresAtMs: 500 });
    assert.notEqual(renewed.id, rule.id, 'an expired rule is replaced, not revived');
    assert.deepEqual([renewed.approvalId, renewed.expiresAtMs, rules.list().length], ['ap-2', 500, 1]);
    const forever = rules.add(KEY, { ...META, approvalId: 'ap-3', nowMs: 200 });
    assert.deepEqual([forever.id, forever.expiresAtMs], [renewed.id, null]);
    assert.equal(rules.find(KEY, 10_000_000)?.id, renewed.id);
  });

  it('survives reopening the database file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clawgate-rules-'));
    try {
      const path = join(dir, 'clawgate.sqlite');
      const db = openDatabase(path, AGENT_MIGRATIONS);
      const rule = new ExecRuleStore(db, createId).add(KEY, META);
      db.close();
      const reopened = openDatabase(path, AGENT_MIGRATIONS);
      assert.deepEqual(new ExecRuleStore(reopened, createId).find(KEY, 5), rule);
      reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
