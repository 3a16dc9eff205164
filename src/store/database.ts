/**
 * @module store/database — opens clawgate.sqlite: location, file modes, pragmas, migrations.
 *
 * The file lives at `<stateDir>/state/clawgate.sqlite` (dir 0700, file 0600; SQLite gives the WAL
 * and shm files the database file's mode). WAL keeps readers off the writer's back. The baseline is
 * `synchronous = NORMAL`: a commit is in the WAL (the OS has it) before `commit` returns, so it
 * survives a kill -9 of the gateway; only an OS crash or power cut could lose the newest commits.
 * Pairing decisions use `StateStore.transaction`, which also fsyncs (FULL) before returning; the
 * per-connect bookkeeping (audit rows, last-seen) does not pay an fsync on every connect.
 */
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayError } from '../protocol/index.js';
import { CORE_MIGRATIONS, type Migration } from './migrations/index.js';
import { migrate } from './migrate.js';
import { openSqlite, type SqliteDatabase } from './sqlite-driver.js';

export type { SqliteDatabase } from './sqlite-driver.js';

/** Where the store lives inside a state dir. */
export function stateDatabasePath(stateDir: string): string {
  return join(stateDir, 'state', 'clawgate.sqlite');
}

/**
 * Opens (creating if needed) the database at `path` and applies pending migrations (the core's by
 * default; pass core + features'). `:memory:` gives a throwaway store. Throws STATE_STORE_FAILED with
 * the path on any failure.
 */
export function openDatabase(path: string, migrations: readonly Migration[] = CORE_MIGRATIONS, nowMs?: number): SqliteDatabase {
  try {
    if (path !== ':memory:') prepareFile(path);
    const db = openSqlite(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations, nowMs);
    return db;
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    throw new GatewayError('STATE_STORE_FAILED', { path, reason: error instanceof Error ? error.message : 'unknown' });
  }
}

/** Creates the parent dir (0700) and an empty file (0600) before SQLite touches it. */
function prepareFile(path: string): void {
  const dir = join(path, '..');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
}
