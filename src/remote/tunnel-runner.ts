/**
 * @module remote/tunnel-runner — the body of the detached supervisor process (`clawgate tunnel supervise`).
 *
 * Takes the per-target lock (exits quietly if another supervisor holds it), runs TunnelSupervisor
 * with the real ssh, mirrors every state change into the state file, and on SIGTERM/SIGINT stops ssh
 * and removes its files.
 */
import { TunnelSupervisor } from './tunnel-supervisor.js';
import { startSshTunnel, type Spawner, type SshTunnelSpec } from './ssh-tunnel.js';
import { acquireTunnelLock, removeTunnelFiles, tunnelKey, tunnelPaths, writeTunnelState } from './tunnel-state.js';
import { formatSshTarget } from './ssh-target.js';

export interface RunSupervisorOptions {
  spec: SshTunnelSpec;
  stateDir: string;
  log: (line: string) => void;
  spawner?: Spawner;
}

/** Runs until signalled; resolves with the process exit code. */
export async function runTunnelSupervisor({ spec, stateDir, log, spawner }: RunSupervisorOptions): Promise<number> {
  const key = tunnelKey(spec);
  const paths = tunnelPaths(stateDir, key);
  const holder = acquireTunnelLock(paths.lockPath, process.pid);
  if (holder !== undefined) {
    log(`another supervisor (pid ${holder}) already runs the tunnel to ${formatSshTarget(spec.target)}`);
    return 0;
  }
  const supervisor = new TunnelSupervisor({
    startTunnel: (localPort, onRuntimeError) => startSshTunnel(spec, spawner === undefined ? { localPort, onRuntimeError } : { localPort, onRuntimeError, spawner }),
    initialState: {
      version: 1,
      key,
      target: formatSshTarget(spec.target),
      remotePort: spec.remotePort,
      localPort: spec.localPort,
      supervisorPid: process.pid,
      state: 'starting',
      startedAtMs: Date.now(),
      restarts: 0,
    },
    onState: (state) => {
      if (state.state === 'stopped') return;
      writeTunnelState(paths.statePath, state);
      const error = state.state === 'backoff' && state.lastError !== undefined ? `: ${state.lastError.message}` : '';
      log(`${new Date().toISOString()} ${state.state} local=127.0.0.1:${state.localPort} ssh=${state.sshPid ?? '-'}${error}`);
    },
  });
  return new Promise<number>((resolve) => {
    const shutdown = (signal: string): void => {
      log(`${new Date().toISOString()} ${signal}: stopping tunnel`);
      void supervisor.stop().then(() => {
        removeTunnelFiles(paths);
        resolve(0);
      });
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
    void supervisor.start();
  });
}
