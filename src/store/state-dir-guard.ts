/**
 * @module store/state-dir-guard — start-up guards for the state dir: is it a usable directory, and
 * is this the only gateway using it.
 *
 * Both run before the gateway writes anything (token, logs, database), so a refusal leaves no partial
 * files. The single-gateway lock is an SQLite EXCLUSIVE lock on `<stateDir>/state/gateway.lock`: it is
 * an OS record lock (fcntl) held by the open connection, so the kernel drops it when the process dies,
 * even by kill -9 — no stale lock to clean up, unlike a pid file. The pid file beside it only makes the
 * refusal name the owner.
 */
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayError } from '../protocol/index.js';
import { openSqlite, type SqliteDatabase } from './sqlite-driver.js';

/** Bytes the probe writes: enough that a full filesystem fails here, not half-way into the database. */
const PROBE_BYTES = 16 * 1024;

/** errno codes that mean "no space" rather than "no permission". */
const NO_SPACE = new Set(['ENOSPC', 'EDQUOT']);

/**
 * Throws STATE_DIR_NOT_DIRECTORY, STATE_DIR_UNWRITABLE or STATE_DISK_FULL (each naming the path and the
 * fix) unless `stateDir` is (or can be created as) a directory this process can write to. Creates the
 * dir (0700) when missing; the probe file it writes is removed again.
 */
export function assertStateDirUsable(stateDir: string): void {
  try {
    if (!lstatSync(stateDir).isDirectory()) throw new GatewayError('STATE_DIR_NOT_DIRECTORY', { path: stateDir });
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    if (errnoOf(error) !== 'ENOENT') throw stateDirError(stateDir, error);
    try {
      mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    } catch (mkdirError) {
      // ENOTDIR: a parent on the way is a file.
      if (errnoOf(mkdirError) === 'ENOTDIR' || errnoOf(mkdirError) === 'EEXIST') throw new GatewayError('STATE_DIR_NOT_DIRECTORY', { path: stateDir });
      throw stateDirError(stateDir, mkdirError);
    }
  }
  // access(W_OK) says yes to root on a read-only mount and says nothing about space: write for real.
  const probe = join(stateDir, `.write-probe-${process.pid}`);
  try {
    const fd = openSync(probe, 'w', 0o600);
    try {
      writeSync(fd, Buffer.alloc(PROBE_BYTES));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw stateDirError(stateDir, error);
  } finally {
    rmSync(probe, { force: true });
  }
}

/** The exclusive hold on a state dir; `release` is idempotent. */
export interface StateDirLock {
  readonly path: string;
  release(): void;
}

/** Where the single-gateway lock lives. */
export function stateLockPath(stateDir: string): string {
  return join(stateDir, 'state', 'gateway.lock');
}

/**
 * Takes the single-gateway lock on `stateDir` or throws STATE_DIR_IN_USE naming the owner's pid. Held
 * until `release()` or the death of this process.
 */
export function acquireStateDirLock(stateDir: string, owner: { pid: number; port?: number } = { pid: process.pid }): StateDirLock {
  const path = stateLockPath(stateDir);
  const pidPath = `${path}.pid`;
  let db: SqliteDatabase;
  try {
    mkdirSync(join(stateDir, 'state'), { recursive: true, mode: 0o700 });
    closeSync(openSync(path, 'a', 0o600));
    db = openSqlite(path);
  } catch (error) {
    throw stateDirError(stateDir, error);
  }
  try {
    db.pragma('busy_timeout = 0');
    // EXCLUSIVE in rollback-journal mode: the write lock is taken at BEGIN and held while the
    // transaction stays open; nothing is ever committed.
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if (/locked|busy/i.test(error instanceof Error ? error.message : '')) {
      throw new GatewayError('STATE_DIR_IN_USE', { path: stateDir, owner: describeOwner(pidPath) });
    }
    throw stateDirError(stateDir, error);
  }
  try {
    writeFileSync(pidPath, `${owner.pid}\n`, { mode: 0o600 });
  } catch {
    // Only the refusal message uses it.
  }
  let isHeld = true;
  return {
    path,
    release: () => {
      if (!isHeld) return;
      isHeld = false;
      rmSync(pidPath, { force: true });
      try {
        db.exec('ROLLBACK');
      } finally {
        db.close();
      }
    },
  };
}

function describeOwner(pidPath: string): string {
  try {
    const pid = Number.parseInt(readFileSync(pidPath, 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? `pid ${pid}` : 'another process';
  } catch {
    return 'another process';
  }
}

/** Maps a filesystem error on the state dir to the coded error that names the fix. */
export function stateDirError(path: string, error: unknown): GatewayError {
  const code = errnoOf(error) ?? (error instanceof Error ? error.message : 'unknown');
  if (NO_SPACE.has(code)) return new GatewayError('STATE_DISK_FULL', { path, reason: code });
  if (code === 'ENOTDIR') return new GatewayError('STATE_DIR_NOT_DIRECTORY', { path });
  return new GatewayError('STATE_DIR_UNWRITABLE', { path, reason: code });
}

function errnoOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
