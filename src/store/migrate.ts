/**
 * @module store/migrate — applies owner-namespaced migrations and records them in `schema_migrations`.
 *
 * Upgrade path: databases written before owners existed tracked only `PRAGMA user_version` (1–3).
 * The first run here creates `schema_migrations` and records those versions as owner `core`, so
 * nothing is re-applied. `user_version` keeps mirroring the core's version, so an older clawgate
 * still refuses a database whose core schema it does not know.
 */
import { GatewayError } from '../protocol/index.js';
import type { Migration } from './migrations/index.js';
import type { SqliteDatabase } from './sqlite-driver.js';

const CORE_OWNER = 'core';

/** Applied version per owner, after migrating. */
export type AppliedVersions = ReadonlyMap<string, number>;

/**
 * Applies every migration not yet recorded, owner by owner (core first, then in the order given),
 * each in its own transaction. Throws MIGRATION_INVALID for a malformed list and STATE_STORE_FAILED
 * for a database newer than these migrations.
 */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[], nowMs: number = Date.now()): AppliedVersions {
  const byOwner = groupByOwner(migrations);
  const core = byOwner.get(CORE_OWNER) ?? [];
  const legacyVersion = Number(db.pragma('user_version', { simple: true }));
  assertNotNewer(db, CORE_OWNER, legacyVersion, core.length);
  if (!hasTable(db, 'schema_migrations')) adoptLegacySchema(db, core, legacyVersion, nowMs);
  const applied = appliedVersions(db);
  for (const [owner, list] of byOwner) {
    const current = applied.get(owner) ?? 0;
    assertNotNewer(db, owner, current, list.length);
    for (const migration of list.slice(current)) {
      db.transaction(() => {
        if (migration.sql !== undefined) db.exec(migration.sql);
        else migration.up(db);
        db.prepare('INSERT INTO schema_migrations (owner, version, name, applied_at_ms) VALUES (?, ?, ?, ?)').run(owner, migration.version, migration.name, nowMs);
        if (owner === CORE_OWNER) db.pragma(`user_version = ${migration.version}`);
      })();
    }
  }
  return appliedVersions(db);
}

/** Groups by owner, core first; each owner's versions must run 1, 2, 3 … in the order given. */
function groupByOwner(migrations: readonly Migration[]): Map<string, Migration[]> {
  const byOwner = new Map<string, Migration[]>([[CORE_OWNER, []]]);
  for (const migration of migrations) {
    let list = byOwner.get(migration.owner);
    if (list === undefined) byOwner.set(migration.owner, (list = []));
    const expected = list.length + 1;
    if (migration.version !== expected) {
      throw new GatewayError('MIGRATION_INVALID', { owner: migration.owner, reason: `"${migration.name}" has version ${migration.version}, expected ${expected}` });
    }
    list.push(migration);
  }
  return byOwner;
}

/** One-time step: record the versions an old database reached through `user_version` as owner core. */
function adoptLegacySchema(db: SqliteDatabase, core: readonly Migration[], legacyVersion: number, nowMs: number): void {
  db.transaction(() => {
    db.exec(`
      CREATE TABLE schema_migrations (
        owner          TEXT NOT NULL,
        version        INTEGER NOT NULL,
        name           TEXT NOT NULL,
        applied_at_ms  INTEGER NOT NULL,
        PRIMARY KEY (owner, version)
      ) STRICT;
    `);
    const insert = db.prepare('INSERT INTO schema_migrations (owner, version, name, applied_at_ms) VALUES (?, ?, ?, ?)');
    for (const migration of core.slice(0, legacyVersion)) insert.run(CORE_OWNER, migration.version, migration.name, nowMs);
  })();
}

function appliedVersions(db: SqliteDatabase): Map<string, number> {
  const rows = db.prepare('SELECT owner, MAX(version) AS version FROM schema_migrations GROUP BY owner').all() as { owner: string; version: number }[];
  return new Map(rows.map((row) => [row.owner, Number(row.version)]));
}

function hasTable(db: SqliteDatabase, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

function assertNotNewer(db: SqliteDatabase, owner: string, current: number, newest: number): void {
  if (current <= newest) return;
  const what = owner === CORE_OWNER ? 'schema version' : `schema version of ${owner}`;
  throw new GatewayError('STATE_STORE_FAILED', {
    path: db.name,
    reason: `${what} ${current} is newer than this clawgate understands (${newest}); upgrade clawgate`,
  });
}
