/**
 * @module config/permissions — the state dir is private: directories 0700, files 0600.
 *
 * The state dir holds the gateway token, the config (with secrets), the log and the stores. Files are
 * created private, but a dir copied from a backup, a log made by an older build or a config written
 * with the user's umask can be readable by other local users. The gateway tightens its own state at
 * startup; `clawgate security audit` reports whatever is still loose (and the config, wherever it is).
 */
import { chmodSync, lstatSync, readdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { StatePaths } from './paths.js';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

export interface PermissionEntry {
  path: string;
  kind: 'dir' | 'file';
  /** Permission bits (`mode & 0o777`). */
  mode: number;
}

/** The state entries that must be private: the state dir, its direct children, and the log dir's files. */
export function listStateEntries(paths: StatePaths): PermissionEntry[] {
  const entries: PermissionEntry[] = [];
  const add = (path: string): Stats | undefined => {
    const stats = lstatOrUndefined(path);
    if (stats === undefined || stats.isSymbolicLink()) return undefined;
    if (stats.isDirectory()) entries.push({ path, kind: 'dir', mode: stats.mode & 0o777 });
    else if (stats.isFile()) entries.push({ path, kind: 'file', mode: stats.mode & 0o777 });
    return stats;
  };
  const stateDir = add(paths.stateDir);
  if (stateDir?.isDirectory() !== true) return entries;
  for (const name of readdirSafe(paths.stateDir)) add(join(paths.stateDir, name));
  for (const name of readdirSafe(paths.logDir)) add(join(paths.logDir, name));
  return entries;
}

/** True when group or others have any access (the owner alone should). */
export function isLooserThanPrivate(entry: PermissionEntry): boolean {
  return (entry.mode & 0o077) !== 0;
}

/**
 * Tightens every loose state entry owned by this user (dirs to 0700, files to 0600) and returns what it
 * changed. Entries owned by someone else are left alone (chmod would fail; the audit reports them).
 */
export function tightenStatePermissions(paths: StatePaths): PermissionEntry[] {
  const changed: PermissionEntry[] = [];
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  for (const entry of listStateEntries(paths)) {
    if (!isLooserThanPrivate(entry)) continue;
    if (uid !== undefined && lstatOrUndefined(entry.path)?.uid !== uid) continue;
    try {
      chmodSync(entry.path, entry.kind === 'dir' ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE);
      changed.push(entry);
    } catch {
      // Read-only mount or a race with deletion: the audit will still report it.
    }
  }
  return changed;
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function readdirSafe(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
