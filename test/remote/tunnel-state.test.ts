/** The tunnel lock (one supervisor per target) and state files, with real files and real pids. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync, writeFileSync, mkdirSync } from 'node:fs';
import { acquireTunnelLock, isProcessAlive, listTunnelStates, parseSshTarget, readTunnelState, tunnelKey, tunnelPaths, writeTunnelState, type TunnelState } from '../../src/remote/index.js';
import { createTempStateDir } from '../helpers/gateway.js';

/** A pid that is certainly dead: a child that already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('tunnel lock', () => {
  it('lets one pid hold it and tells a second one who holds it', () => {
    const paths = tunnelPaths(createTempStateDir(), 'k');
    assert.equal(acquireTunnelLock(paths.lockPath, process.pid), undefined);
    assert.equal(acquireTunnelLock(paths.lockPath, process.ppid), process.pid);
    assert.equal(statSync(paths.lockPath).mode & 0o777, 0o600);
  });

  it('takes over a lock left by a dead process (an orphan of a crashed run)', () => {
    const paths = tunnelPaths(createTempStateDir(), 'k');
    const dead = deadPid();
    assert.equal(isProcessAlive(dead), false);
    mkdirSync(paths.dir, { recursive: true });
    writeFileSync(paths.lockPath, `${dead}\n`);
    assert.equal(acquireTunnelLock(paths.lockPath, process.pid), undefined);
  });
});

describe('tunnel state files', () => {
  it('round-trips the state with mode 0600 and lists it', () => {
    const stateDir = createTempStateDir();
    const spec = { target: parseSshTarget('me@gw'), remotePort: 18789 };
    const key = tunnelKey(spec);
    assert.match(key, /^gw-[0-9a-f]{10}$/);
    assert.notEqual(key, tunnelKey({ ...spec, remotePort: 19001 }), 'one tunnel per target and remote port');
    const paths = tunnelPaths(stateDir, key);
    const state: TunnelState = { version: 1, key, target: 'me@gw', remotePort: 18789, localPort: 40000, supervisorPid: process.pid, state: 'up', startedAtMs: 1, restarts: 0 };
    writeTunnelState(paths.statePath, state);
    assert.deepEqual(readTunnelState(paths.statePath), state);
    assert.equal(statSync(paths.statePath).mode & 0o777, 0o600);
    assert.deepEqual(listTunnelStates(stateDir), [state]);
  });
});
