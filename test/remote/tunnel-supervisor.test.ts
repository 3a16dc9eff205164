/** Restart policy of the tunnel supervisor, driven by fake timers, a fake clock and fake tunnels. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../src/protocol/index.js';
import { TunnelSupervisor, type RunningTunnel, type SshError, type TunnelState } from '../../src/remote/index.js';

function fakeTimers() {
  const pending: { callback: () => void; ms: number; id: number }[] = [];
  let nextId = 1;
  return {
    pending,
    timers: {
      setTimeout: (callback: () => void, ms: number) => {
        const id = nextId++;
        pending.push({ callback, ms, id });
        return id;
      },
      clearTimeout: (handle: unknown) => {
        const index = pending.findIndex((t) => t.id === handle);
        if (index !== -1) pending.splice(index, 1);
      },
    },
    /** Runs the oldest pending timer and returns its delay. */
    fire: async (): Promise<number> => {
      const timer = pending.shift();
      assert.ok(timer, 'a retry is scheduled');
      timer.callback();
      await new Promise((resolve) => setImmediate(resolve));
      return timer.ms;
    },
  };
}

function fakeTunnel(pid: number, localPort: number): RunningTunnel & { die: (reason: SshError) => void; stopped: boolean } {
  let die!: (reason: SshError) => void;
  const exited = new Promise<SshError>((resolve) => (die = resolve));
  const tunnel = {
    pid,
    localPort,
    exited,
    stopped: false,
    die,
    stderr: () => '',
    stop: async () => {
      tunnel.stopped = true;
    },
  };
  return tunnel;
}

const INITIAL: TunnelState = { version: 1, key: 'k', target: 'me@gw', remotePort: 18789, localPort: 18789, supervisorPid: 1, state: 'starting', startedAtMs: 0, restarts: 0 };
const KILLED: SshError = { kind: 'exited', message: 'ssh stopped', fix: 'f' };
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('TunnelSupervisor', () => {
  it('restarts ssh when it dies, with doubling backoff capped at maxBackoffMs, keeping the local port', async () => {
    const clock = { now: 0 };
    const timers = fakeTimers();
    const tunnels: ReturnType<typeof fakeTunnel>[] = [];
    const ports: number[] = [];
    const states: TunnelState[] = [];
    const supervisor = new TunnelSupervisor({
      startTunnel: async (port, onRuntimeError) => {
        ports.push(port);
        if (tunnels.length === 0) onRuntimeError({ kind: 'remote_port_closed', message: 'nothing listens', fix: 'start it' });
        const tunnel = fakeTunnel(100 + tunnels.length, 40000);
        tunnels.push(tunnel);
        return tunnel;
      },
      initialState: INITIAL,
      onState: (s) => states.push(s),
      timers: timers.timers,
      now: () => clock.now,
      maxBackoffMs: 4000,
    });
    await supervisor.start();
    assert.equal(supervisor.state.state, 'up');
    assert.equal(supervisor.state.sshPid, 100);
    assert.equal(supervisor.state.lastError?.kind, 'remote_port_closed', 'errors ssh prints while running are recorded');
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      tunnels.at(-1)?.die(KILLED);
      await tick();
      assert.equal(supervisor.state.state, 'backoff');
      assert.equal(supervisor.state.lastError?.message, 'ssh stopped');
      delays.push(await timers.fire());
      assert.equal(supervisor.state.state, 'up');
    }
    assert.deepEqual(delays, [1000, 2000, 4000, 4000]);
    assert.equal(supervisor.state.restarts, 4);
    assert.deepEqual(ports, [18789, 40000, 40000, 40000, 40000], 'restarts reuse the port clients know');
    assert.ok(states.some((s) => s.state === 'backoff' && s.nextRetryAtMs !== undefined));
  });

  it('resets the backoff after the tunnel stayed up for stableAfterMs', async () => {
    const clock = { now: 0 };
    const timers = fakeTimers();
    const tunnels: ReturnType<typeof fakeTunnel>[] = [];
    const supervisor = new TunnelSupervisor({
      startTunnel: async () => {
        const tunnel = fakeTunnel(1, 40000);
        tunnels.push(tunnel);
        return tunnel;
      },
      initialState: INITIAL,
      onState: () => undefined,
      timers: timers.timers,
      now: () => clock.now,
      stableAfterMs: 30_000,
    });
    await supervisor.start();
    tunnels.at(-1)?.die(KILLED);
    await tick();
    assert.equal(await timers.fire(), 1000);
    tunnels.at(-1)?.die(KILLED);
    await tick();
    assert.equal(await timers.fire(), 2000);
    clock.now += 60_000; // up for a minute
    tunnels.at(-1)?.die(KILLED);
    await tick();
    assert.equal(await timers.fire(), 1000);
  });

  it('records a failed start with ssh\'s reason and retries', async () => {
    const timers = fakeTimers();
    let attempts = 0;
    const supervisor = new TunnelSupervisor({
      startTunnel: async () => {
        attempts++;
        if (attempts === 1) throw new GatewayError('SSH_TUNNEL_FAILED', { target: 'me@gw', reason: 'host key unknown: …', kind: 'host_key_unknown', fix: 'connect once' });
        return fakeTunnel(7, 40000);
      },
      initialState: INITIAL,
      onState: () => undefined,
      timers: timers.timers,
    });
    await supervisor.start();
    assert.equal(supervisor.state.state, 'backoff');
    assert.equal(supervisor.state.lastError?.kind, 'host_key_unknown');
    assert.equal(supervisor.state.restarts, 0);
    await timers.fire();
    assert.equal(supervisor.state.state, 'up');
  });

  it('stop() stops ssh, cancels the pending retry and does not restart', async () => {
    const timers = fakeTimers();
    const tunnel = fakeTunnel(9, 40000);
    const supervisor = new TunnelSupervisor({ startTunnel: async () => tunnel, initialState: INITIAL, onState: () => undefined, timers: timers.timers });
    await supervisor.start();
    await supervisor.stop();
    assert.equal(tunnel.stopped, true);
    tunnel.die(KILLED);
    await tick();
    assert.equal(supervisor.state.state, 'stopped');
    assert.equal(timers.pending.length, 0);
  });
});
