/**
 * @module remote/tunnel-state — the on-disk record of a supervised tunnel: state file and lock.
 *
 * Layout under the state dir: `tunnels/<key>.json` (what the supervisor is doing, rewritten atomically,
 * mode 0600), `tunnels/<key>.lock` (created with O_EXCL, holds the supervisor pid: one tunnel per
 * target) and `logs/tunnel-<key>.log` (supervisor output). A lock whose pid is dead is stale and is
 * taken over; that is how orphans of crashed runs are cleaned up.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, openSync, closeSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { SshError } from './ssh-errors.js';
import { formatSshTarget } from './ssh-target.js';
import type { SshTunnelSpec } from './ssh-tunnel.js';

export type TunnelPhase = 'starting' | 'up' | 'backoff' | 'stopped';

export interface TunnelState {
  version: 1;
  key: string;
  /** `user@host[:port]` as shown to people. */
  target: string;
  remotePort: number;
  localPort: number;
  supervisorPid: number;
  sshPid?: number | undefined;
  state: TunnelPhase;
  startedAtMs: number;
  upSinceMs?: number | undefined;
  /** How many times ssh was restarted after dying. */
  restarts: number;
  lastError?: (SshError & { atMs: number }) | undefined;
  nextRetryAtMs?: number | undefined;
}

export interface TunnelPaths {
  dir: string;
  statePath: string;
  lockPath: string;
  logPath: string;
}

/** A stable key per (target, remote port): one tunnel per target. */
export function tunnelKey(spec: Pick<SshTunnelSpec, 'target' | 'remotePort'>): string {
  const display = formatSshTarget(spec.target);
  const readable = spec.target.host.replace(/[^A-Za-z0-9.-]/g, '_').slice(0, 40);
  const digest = createHash('sha256').update(`${display}>${spec.remotePort}`).digest('hex').slice(0, 10);
  return `${readable}-${digest}`;
}

export function tunnelPaths(stateDir: string, key: string): TunnelPaths {
  const dir = join(stateDir, 'tunnels');
  return { dir, statePath: join(dir, `${key}.json`), lockPath: join(dir, `${key}.lock`), logPath: join(stateDir, 'logs', `tunnel-${key}.log`) };
}

export function readTunnelState(statePath: string): TunnelState | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(statePath, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || (parsed as { version?: unknown }).version !== 1) return undefined;
    return parsed as TunnelState;
  } catch {
    return undefined;
  }
}

/** Writes the state atomically (temp file + rename) with mode 0600. */
export function writeTunnelState(statePath: string, state: TunnelState): void {
  mkdirSync(join(statePath, '..'), { recursive: true, mode: 0o700 });
  const tmp = `${statePath}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, statePath);
}

/** Every tunnel state file under the state dir. */
export function listTunnelStates(stateDir: string): TunnelState[] {
  const dir = join(stateDir, 'tunnels');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => n.endsWith('.json')).flatMap((n) => readTunnelState(join(dir, n)) ?? []);
}

/** True when a process with this pid exists (EPERM means it exists but is not ours). */
export function isProcessAlive(pid: number | undefined): boolean {
  if (pid === undefined || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock for `pid`. Returns undefined on success, or the pid of the live holder. A lock left
 * by a dead process is removed and taken over.
 */
export function acquireTunnelLock(lockPath: string, pid: number): number | undefined {
  mkdirSync(join(lockPath, '..'), { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, `${pid}\n`);
      closeSync(fd);
      return undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readLockPid(lockPath);
      if (holder !== undefined && holder !== pid && isProcessAlive(holder)) return holder;
      if (holder === pid) return undefined;
      rmSync(lockPath, { force: true }); // stale: its owner crashed
    }
  }
  return readLockPid(lockPath) ?? -1;
}

export function readLockPid(lockPath: string): number | undefined {
  try {
    const pid = Number(readFileSync(lockPath, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Removes state and lock (the supervisor does this on a clean exit; cleanup does it for orphans). */
export function removeTunnelFiles(paths: TunnelPaths): void {
  rmSync(paths.statePath, { force: true });
  rmSync(paths.lockPath, { force: true });
}

/** True when /proc says `pid` is an ssh process carrying a -L forward (so killing it is safe). */
export function isOurSshProcess(pid: number, localPort: number): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return /(^|\/)ssh$/.test(argv[0] ?? '') && argv.some((arg) => arg.startsWith(`127.0.0.1:${localPort}:`));
  } catch {
    return false;
  }
}
