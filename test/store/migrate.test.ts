/**
 * Owner-namespaced migrations: a database made by the old user_version code path upgrades without
 * re-applying anything, features' migrations count their own versions, and bad lists are refused.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { GatewayError } from '../../src/protocol/index.js';
import { CORE_MIGRATIONS, StateStore, migrate, openDatabase, stateDatabasePath, type Migration } from '../../src/store/index.js';
import { openSqlite } from '../../src/store/sqlite-driver.js';
import { createTempStateDir } from '../helpers/gateway.js';

/** What clawgate wrote before owners existed: each migration's SQL, then `PRAGMA user_version = n`. */
function createLegacyDatabase(path: string): void {
  const legacy = openSqlite(path);
  for (const migration of CORE_MIGRATIONS) {
    legacy.exec(migration.sql!);
    legacy.pragma(`user_version = ${migration.version}`);
  }
  legacy.prepare("INSERT INTO devices (device_id, public_key, roles_json, scopes_json, approved_via, created_at_ms, approved_at_ms, label) VALUES ('d1', 'k', '[]', '[]', 'operator', 1, 1, 'old laptop')").run();
  legacy.close();
}

const agentMigrations: Migration[] = [
  { owner: 'agent', version: 1, name: 'sessions', sql: 'CREATE TABLE agent_sessions (session_key TEXT PRIMARY KEY) STRICT;' },
  { owner: 'agent', version: 2, name: 'session titles', up: (db) => db.exec('ALTER TABLE agent_sessions ADD COLUMN title TEXT;') },
];

describe('migrate', () => {
  it('upgrades a database made by the old user_version path: records core 1-3, keeps the data, adds features', () => {
    const stateDir = createTempStateDir();
    try {
      const path = stateDatabasePath(stateDir);
      openDatabase(path).close(); // creates the dir and file with private modes
      rmSync(path);
      createLegacyDatabase(path);
      const store = new StateStore({ path, migrations: agentMigrations });
      try {
        assert.deepEqual([...store.appliedVersions()].sort(), [['agent', 2], ['core', 4]]);
        assert.equal(store.schemaVersion, 4);
        assert.equal(store.devices.get('d1')?.label, 'old laptop');
        store.database.prepareCached("INSERT INTO agent_sessions (session_key, title) VALUES ('agent:main:main', 't')").run();
      } finally {
        store.close();
      }
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('applies only what is new on the next open, and each owner counts from 1', () => {
    const db = openSqlite(':memory:');
    try {
      const first = migrate(db, [...CORE_MIGRATIONS, agentMigrations[0]!], 1000);
      assert.deepEqual(Object.fromEntries(first), { core: 4, agent: 1 });
      const telegram: Migration = { owner: 'telegram', version: 1, name: 'offsets', sql: 'CREATE TABLE telegram_offsets (bot TEXT PRIMARY KEY, offset INTEGER) STRICT;' };
      const second = migrate(db, [...CORE_MIGRATIONS, ...agentMigrations, telegram], 2000);
      assert.deepEqual(Object.fromEntries(second), { core: 4, agent: 2, telegram: 1 });
      const rows = db.prepare('SELECT owner, version, applied_at_ms FROM schema_migrations ORDER BY applied_at_ms, owner, version').all() as { owner: string; version: number; applied_at_ms: number }[];
      assert.deepEqual(rows.map((r) => `${r.owner}:${r.version}@${r.applied_at_ms}`), ['agent:1@1000', 'core:1@1000', 'core:2@1000', 'core:3@1000', 'core:4@1000', 'agent:2@2000', 'telegram:1@2000']);
    } finally {
      db.close();
    }
  });

  it('refuses a gap in an owner\'s versions with MIGRATION_INVALID', () => {
    const db = openSqlite(':memory:');
    try {
      assert.throws(
        () => migrate(db, [...CORE_MIGRATIONS, { ...agentMigrations[1]!, version: 2 }]),
        (e: unknown) => e instanceof GatewayError && e.code === 'MIGRATION_INVALID' && e.message.includes('expected 1'),
      );
    } finally {
      db.close();
    }
  });

  it('refuses a feature schema newer than this clawgate, but not a feature that is simply not loaded', () => {
    const db = openSqlite(':memory:');
    try {
      migrate(db, [...CORE_MIGRATIONS, ...agentMigrations]);
      assert.throws(() => migrate(db, [...CORE_MIGRATIONS, agentMigrations[0]!]), (e: unknown) => e instanceof GatewayError && e.code === 'STATE_STORE_FAILED' && /agent 2 is newer/.test(e.message));
      assert.deepEqual(Object.fromEntries(migrate(db, CORE_MIGRATIONS)), { core: 4, agent: 2 });
    } finally {
      db.close();
    }
  });

  it('rolls back a failing migration and records nothing for it', () => {
    const db = openSqlite(':memory:');
    try {
      const broken: Migration = { owner: 'agent', version: 1, name: 'broken', sql: 'CREATE TABLE a (x TEXT); CREATE TABLE a (x TEXT);' };
      assert.throws(() => migrate(db, [...CORE_MIGRATIONS, broken]));
      assert.equal((db.prepare("SELECT count(*) AS n FROM schema_migrations WHERE owner = 'agent'").get() as { n: number }).n, 0);
      assert.equal(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'a'").get(), undefined);
    } finally {
      db.close();
    }
  });
});
