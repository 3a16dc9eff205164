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
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, rmSync, statfsSync } from 'node:fs';
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
  const isNew = path !== ':memory:' && !existsSync(path);
  let db: SqliteDatabase | undefined;
  try {
    if (path !== ':memory:') prepareFile(path);
    db = openSqlite(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // Take the write lock once now: a database another program holds is refused at start-up, not
    // on the first pairing (migrations only read when the schema is current).
    db.exec('BEGIN IMMEDIATE');
    db.exec('COMMIT');
    migrate(db, migrations, nowMs);
    return db;
  } catch (error) {
    if (db?.open === true) db.close();
    // A failed first start must not leave an empty or half-migrated file that later looks valid.
    if (isNew) for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
    if (error instanceof GatewayError) throw error;
    throw databaseError(path, error);
  }
}

/** Maps an SQLite or filesystem error to the coded error that names the fix (SQLite primary result codes). */
function databaseError(path: string, error: unknown): GatewayError {
  const reason = error instanceof Error ? error.message : 'unknown';
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const errcode = typeof error === 'object' && error !== null && 'errcode' in error && typeof error.errcode === 'number' ? error.errcode & 0xff : -1;
  if (errcode === 11 || errcode === 26 || /SQLITE_(CORRUPT|NOTADB)/.test(code) || /not a database|malformed/i.test(reason)) {
    return new GatewayError('STATE_STORE_CORRUPT', { path, reason });
  }
  if (errcode === 13 || code === 'SQLITE_FULL' || code === 'ENOSPC' || /disk is full/i.test(reason)) return new GatewayError('STATE_DISK_FULL', { path, reason });
  // A full disk often surfaces as SQLITE_IOERR (the -shm or -wal write failed): ask the filesystem.
  if ((errcode === 10 || /disk I\/O error/i.test(reason)) && freeBytes(path) < LOW_SPACE_BYTES) return new GatewayError('STATE_DISK_FULL', { path, reason });
  if (errcode === 5 || errcode === 6 || /SQLITE_(BUSY|LOCKED)/.test(code) || /database is locked/i.test(reason)) return new GatewayError('STATE_STORE_LOCKED', { path });
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || errcode === 8 || /readonly/i.test(reason)) {
    return new GatewayError('STATE_DIR_UNWRITABLE', { path, reason });
  }
  return new GatewayError('STATE_STORE_FAILED', { path, reason });
}

/** Below this much free space an I/O error at open is reported as a full disk. */
const LOW_SPACE_BYTES = 4 * 1024 * 1024;

function freeBytes(path: string): number {
  try {
    const stats = statfsSync(join(path, '..'));
    return stats.bavail * stats.bsize;
  } catch {
    return Number.POSITIVE_INFINITY;
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
