/**
 * ensureTunnel/stopTunnel against real files, real pids and real listening ports. The supervisor
 * process is injected: a stand-in writes the state file as the real one would (the real supervisor
 * with real ssh runs in test/e2e/ssh-tunnel.test.ts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { ensureTunnel, isProcessAlive, parseSshTarget, readTunnelState, stopTunnel, tunnelKey, tunnelPaths, writeTunnelState, type SshTunnelSpec, type TunnelState } from '../../src/remote/index.js';
import { GatewayError } from '../../src/protocol/index.js';
import { createTempStateDir } from '../helpers/gateway.js';

const spec: SshTunnelSpec = { target: parseSshTarget('me@gw'), remotePort: 18789, localPort: 18789, hostKeyPolicy: 'strict' };

function listen(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer((socket) => socket.end()).listen(0, '127.0.0.1', () => resolve(server));
  });
}

function portOf(server: Server): number {
  return (server.address() as { port: number }).port;
}

/** A long-lived process; with argv0 "ssh" and a -L style argument it looks like our forward in /proc. */
function startIdle(options: { asSsh?: number } = {}): ChildProcess {
  const args = ['-e', 'setInterval(() => {}, 1000)'];
  if (options.asSsh !== undefined) args.push('--', '-L', `127.0.0.1:${options.asSsh}:127.0.0.1:18789`);
  return spawn(process.execPath, args, { stdio: 'ignore', ...(options.asSsh !== undefined ? { argv0: 'ssh' } : {}) });
}

function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
}

function baseState(overrides: Partial<TunnelState>): TunnelState {
  return { version: 1, key: tunnelKey(spec), target: 'me@gw', remotePort: 18789, localPort: 18789, supervisorPid: process.pid, state: 'up', startedAtMs: 0, restarts: 0, ...overrides };
}

describe('ensureTunnel', () => {
  it('reuses a live, listening tunnel without starting a supervisor', async () => {
    const stateDir = createTempStateDir();
    const server = await listen();
    const paths = tunnelPaths(stateDir, tunnelKey(spec));
    // The listener is this test process's, standing in for ssh: the manager checks who owns it.
    writeTunnelState(paths.statePath, baseState({ localPort: portOf(server), sshPid: process.pid }));
    let spawned = 0;
    const state = await ensureTunnel({ stateDir, spec, spawnSupervisor: () => spawned++ });
    assert.equal(state.localPort, portOf(server));
    assert.equal(spawned, 0);
    server.close();
  });

  it('kills the ssh of a crashed supervisor, then starts a new supervisor and waits for it', async () => {
    const stateDir = createTempStateDir();
    const paths = tunnelPaths(stateDir, tunnelKey(spec));
    const orphan = startIdle({ asSsh: 40123 });
    const orphanExited = new Promise((resolve) => orphan.once('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(isProcessAlive(orphan.pid), true, 'the stand-in ssh runs');
    writeTunnelState(paths.statePath, baseState({ supervisorPid: deadPid(), sshPid: orphan.pid, localPort: 40123 }));
    const server = await listen();
    const state = await ensureTunnel({
      stateDir,
      spec,
      pollMs: 10,
      spawnSupervisor: () => setTimeout(() => writeTunnelState(paths.statePath, baseState({ localPort: portOf(server), sshPid: process.pid })), 50),
    });
    await orphanExited;
    assert.equal(isProcessAlive(orphan.pid), false, 'the orphaned ssh was killed');
    assert.equal(state.localPort, portOf(server));
    server.close();
  });

  it('does not kill a live process that is not our ssh', async () => {
    const stateDir = createTempStateDir();
    const paths = tunnelPaths(stateDir, tunnelKey(spec));
    const bystander = startIdle();
    writeTunnelState(paths.statePath, baseState({ supervisorPid: deadPid(), sshPid: bystander.pid, localPort: 40124 }));
    const server = await listen();
    await ensureTunnel({ stateDir, spec, pollMs: 10, spawnSupervisor: () => writeTunnelState(paths.statePath, baseState({ localPort: portOf(server), sshPid: process.pid })) });
    assert.equal(isProcessAlive(bystander.pid), true);
    bystander.kill();
    server.close();
  });

  it('stops the supervisor when its first attempt failed and throws ssh\'s reason', async () => {
    const stateDir = createTempStateDir();
    const paths = tunnelPaths(stateDir, tunnelKey(spec));
    const supervisor = startIdle();
    const exited = new Promise((resolve) => supervisor.once('exit', resolve));
    const lastError = { kind: 'auth_failed' as const, message: 'authentication failed: the server refused the key', fix: 'check the key', atMs: 1 };
    await assert.rejects(
      ensureTunnel({ stateDir, spec, pollMs: 10, spawnSupervisor: () => writeTunnelState(paths.statePath, baseState({ supervisorPid: supervisor.pid ?? 0, state: 'backoff', lastError })) }),
      (error: unknown) => {
        assert.ok(error instanceof GatewayError);
        assert.equal(error.code, 'SSH_TUNNEL_FAILED');
        assert.equal(error.message, 'ssh tunnel to me@gw failed: authentication failed: the server refused the key');
        assert.equal(error.details['fix'], 'check the key');
        return true;
      },
    );
    await exited;
    assert.equal(readTunnelState(paths.statePath), undefined, 'its files are removed');
  });
});

describe('ensureTunnel against a squatter and a stalled bring-up', () => {
  it('does not reuse an "up" tunnel whose port is held by a process other than its ssh', async () => {
    const stateDir = createTempStateDir();
    const squatter = await listen();
    const paths = tunnelPaths(stateDir, tunnelKey(spec));
    const notSsh = startIdle();
    const supervisor = startIdle();
    writeTunnelState(paths.statePath, baseState({ localPort: portOf(squatter), sshPid: notSsh.pid, supervisorPid: supervisor.pid ?? 0 }));
    await assert.rejects(ensureTunnel({ stateDir, spec, pollMs: 10, timeoutMs: 300 }), /not up within 300ms/);
    notSsh.kill();
    supervisor.kill();
    squatter.close();
  });

  it('stops the supervisor when bring-up times out (an unresolvable host must not leave it retrying)', async () => {
    const stateDir = createTempStateDir();
    const paths = tunnelPaths(stateDir, tunnelKey(spec));
    const supervisor = startIdle();
    const exited = new Promise((resolve) => supervisor.once('exit', resolve));
    await assert.rejects(
      ensureTunnel({ stateDir, spec, pollMs: 10, timeoutMs: 300, spawnSupervisor: () => writeTunnelState(paths.statePath, baseState({ supervisorPid: supervisor.pid ?? 0, state: 'starting' })) }),
      (error: unknown) => error instanceof GatewayError && error.details['kind'] === 'timeout',
    );
    await exited;
    assert.equal(isProcessAlive(supervisor.pid), false, 'the supervisor was stopped');
  });
});

describe('stopTunnel', () => {
  it('returns false when no tunnel is known', async () => {
    assert.equal(await stopTunnel(createTempStateDir(), spec), false);
  });
});
