/**
 * @module remote/tunnel-manager — bring a supervised tunnel up, find it, take it down.
 *
 * How `clawgate tunnel up` stays running: it starts a detached supervisor process
 * (`clawgate tunnel supervise`, its own session, output to logs/tunnel-<key>.log) that takes the
 * per-target lock, runs ssh and restarts it with backoff, and records what it is doing in
 * tunnels/<key>.json. The CLI that started it only waits for the state file to say `up`, then exits.
 * `tunnel down` sends the supervisor SIGTERM; it stops ssh and removes its files. A supervisor that
 * died without cleaning up leaves a lock with a dead pid: the next `up` kills its ssh (if still alive
 * and verifiably ours) and takes over.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GatewayError } from '../protocol/index.js';
import { formatSshTarget } from './ssh-target.js';
import { isPortListening, type SshTunnelSpec } from './ssh-tunnel.js';
import { isListenerOwnedBy } from './listener-owner.js';
import {
  isOurSshProcess,
  isProcessAlive,
  readLockPid,
  readTunnelState,
  removeTunnelFiles,
  tunnelKey,
  tunnelPaths,
  type TunnelPaths,
  type TunnelState,
} from './tunnel-state.js';

export interface TunnelManagerOptions {
  stateDir: string;
  spec: SshTunnelSpec;
  /** Starts the supervisor process; injected in tests. Default: detached `clawgate tunnel supervise`. */
  spawnSupervisor?: (spec: SshTunnelSpec, stateDir: string, logPath: string) => void;
  /** Budget for bring-up, ms (default 20 s). */
  timeoutMs?: number;
  /** Poll interval while waiting, ms (default 100). */
  pollMs?: number;
}

export interface TunnelStatus {
  key: string;
  paths: TunnelPaths;
  state: TunnelState | undefined;
  isSupervisorAlive: boolean;
  isListening: boolean;
}

/** What is known about the tunnel for `spec`, without changing anything. */
export async function readTunnelStatus(stateDir: string, spec: Pick<SshTunnelSpec, 'target' | 'remotePort'>): Promise<TunnelStatus> {
  const key = tunnelKey(spec);
  const paths = tunnelPaths(stateDir, key);
  const state = readTunnelState(paths.statePath);
  const isSupervisorAlive = state !== undefined && isProcessAlive(state.supervisorPid);
  const isListening = isSupervisorAlive && state?.state === 'up' ? await isOwnTunnelListening(state) : false;
  return { key, paths, state, isSupervisorAlive, isListening };
}

/**
 * True when the recorded ssh process itself listens on the tunnel's local port. Anything else on that
 * port (a squatter after ssh died, another forward) is not our tunnel and must not get the token.
 */
async function isOwnTunnelListening(state: TunnelState): Promise<boolean> {
  if (state.sshPid === undefined || !(await isPortListening(state.localPort))) return false;
  return isListenerOwnedBy(state.sshPid, state.localPort) !== false;
}

/**
 * Returns a tunnel that is up and listening, starting a supervisor if needed. A first attempt that
 * fails (host key, auth, refused forward) stops the supervisor and throws SSH_TUNNEL_FAILED with
 * ssh's reason in plain words: a background retry loop nobody asked for helps no one.
 */
export async function ensureTunnel(options: TunnelManagerOptions): Promise<TunnelState> {
  const { stateDir, spec } = options;
  const status = await readTunnelStatus(stateDir, spec);
  if (status.isListening && status.state !== undefined) return status.state;
  if (!status.isSupervisorAlive) {
    cleanupOrphan(status.paths, status.state);
    const spawnSupervisor = options.spawnSupervisor ?? spawnDetachedSupervisor;
    mkdirSync(join(status.paths.logPath, '..'), { recursive: true, mode: 0o700 });
    spawnSupervisor(spec, stateDir, status.paths.logPath);
  }
  return waitUntilUp(options, status.paths);
}

async function waitUntilUp(options: TunnelManagerOptions, paths: TunnelPaths): Promise<TunnelState> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  const target = formatSshTarget(options.spec.target);
  let sawSupervisor = false;
  while (Date.now() < deadline) {
    const state = readTunnelState(paths.statePath);
    if (state !== undefined && isProcessAlive(state.supervisorPid)) {
      sawSupervisor = true;
      if (state.state === 'up' && (await isOwnTunnelListening(state))) return state;
      if (state.state === 'backoff' && state.restarts === 0 && state.lastError !== undefined) {
        await stopSupervisor(paths, state);
        throw new GatewayError('SSH_TUNNEL_FAILED', { target, reason: state.lastError.message, kind: state.lastError.kind, fix: state.lastError.fix });
      }
    } else if (sawSupervisor) {
      throw new GatewayError('SSH_TUNNEL_FAILED', { target, reason: `the tunnel supervisor exited; see ${paths.logPath}`, kind: 'exited' });
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
  }
  const state = readTunnelState(paths.statePath);
  // A bring-up that never finished (an unresolvable host can stall in DNS) must not leave a supervisor
  // retrying in the background: docs/remote-access.md promises no silent retries.
  if (state !== undefined && isProcessAlive(state.supervisorPid)) await stopSupervisor(paths, state);
  const reason = state?.lastError?.message ?? (state === undefined ? `the tunnel supervisor did not start; see ${paths.logPath}` : `still ${state.state}`);
  throw new GatewayError('SSH_TUNNEL_FAILED', { target, reason: `not up within ${options.timeoutMs ?? 20_000}ms: ${reason}`, kind: 'timeout' });
}

/** Stops the tunnel for `spec`; resolves true when one was running. */
export async function stopTunnel(stateDir: string, spec: Pick<SshTunnelSpec, 'target' | 'remotePort'>): Promise<boolean> {
  const status = await readTunnelStatus(stateDir, spec);
  if (status.state === undefined && readLockPid(status.paths.lockPath) === undefined) return false;
  if (status.isSupervisorAlive && status.state !== undefined) await stopSupervisor(status.paths, status.state);
  else cleanupOrphan(status.paths, status.state);
  return true;
}

async function stopSupervisor(paths: TunnelPaths, state: TunnelState): Promise<void> {
  try {
    process.kill(state.supervisorPid, 'SIGTERM');
  } catch {
    // already gone
  }
  const deadline = Date.now() + 3000;
  while (isProcessAlive(state.supervisorPid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  if (isProcessAlive(state.supervisorPid)) process.kill(state.supervisorPid, 'SIGKILL');
  cleanupOrphan(paths, state);
}

/** Kills an ssh left behind by a dead supervisor (only if /proc shows it is our forward) and removes files. */
function cleanupOrphan(paths: TunnelPaths, state: TunnelState | undefined): void {
  if (state?.sshPid !== undefined && isProcessAlive(state.sshPid) && isOurSshProcess(state.sshPid, state.localPort)) {
    try {
      process.kill(state.sshPid, 'SIGTERM');
    } catch {
      // raced with its exit
    }
  }
  const lockPid = readLockPid(paths.lockPath);
  if (lockPid === undefined || !isProcessAlive(lockPid)) removeTunnelFiles(paths);
}

/**
 * The CLI entry the supervisor runs: bin/clawgate.js beside dist/. This module is loaded either from
 * the bundle (dist/clawgate.mjs) or from tsc output (dist/src/remote/), so both relative paths are tried.
 */
export const CLI_ENTRY = ['../bin/clawgate.js', '../../../bin/clawgate.js']
  .map((relative) => fileURLToPath(new URL(relative, import.meta.url)))
  .find((candidate) => existsSync(candidate)) ?? fileURLToPath(new URL('../../../bin/clawgate.js', import.meta.url));

function spawnDetachedSupervisor(spec: SshTunnelSpec, stateDir: string, logPath: string): void {
  const log = openSync(logPath, 'a', 0o600);
  const child = spawn(process.execPath, [CLI_ENTRY, 'tunnel', 'supervise', '--spec', JSON.stringify(spec), '--state-dir', stateDir], {
    detached: true,
    stdio: ['ignore', log, log],
    env: process.env,
  });
  child.unref();
  closeSync(log);
}
