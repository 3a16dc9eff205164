/**
 * Attack family T-NODE (security lessons §5, issue 12 holes 4 and 7, issue 8): a caller with
 * node.invoke tries to run what the node never allowed, or to hurt everyone through a node.
 * Real gateway, real node host, real processes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeHost, allowExecutable } from '../../../src/node-host/index.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { openAuthenticatedSocket, type RawSocket } from '../../helpers/raw-socket.js';
import { call, openNodeSocket } from '../../helpers/node-socket.js';
import { eventually } from '../../helpers/eventually.js';
import { startNodeHost, type RunningNodeHost } from '../../helpers/node-host.js';

const ADMIN = ['operator.admin', 'operator.pairing', 'operator.write', 'operator.read'];

function isGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('T-NODE: exec through a node', () => {
  let gateway: TestGateway;
  let admin: RawSocket;
  let dir: string;
  let host: NodeHost;
  let node: RunningNodeHost;

  before(async () => {
    gateway = await startTestGateway();
    admin = await openAuthenticatedSocket(gateway.url, gateway.token!, ADMIN);
    dir = mkdtempSync(join(tmpdir(), 'clawgate-attack-node-'));
    node = await startNodeHost(gateway, { displayName: 'attacked host', admin });
    host = node.host;
  });
  after(async () => {
    node.stop();
    admin.socket.terminate();
    await gateway.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const invoke = (command: string, params: unknown, key: string): Promise<Record<string, any>> =>
    call(admin, 'node.invoke', { nodeId: host.nodeId, command, params, idempotencyKey: key }, 15_000);

  it('T-NODE-3 BASH_FUNC injection: a function smuggled into an allowlisted bash script cannot run an unallowed command', async (t) => {
    if (!existsSync('/bin/bash') && !existsSync('/usr/bin/bash')) return t.skip('bash is not installed');
    const marker = join(dir, 'pwned');
    const script = join(dir, 'greet.sh');
    writeFileSync(script, '#!/usr/bin/env bash\ndate >/dev/null\necho hello\n');
    chmodSync(script, 0o755);
    allowExecutable(host.paths.execApprovalsPath, script, process.env['PATH']);
    const env = { 'BASH_FUNC_date%%': `() { touch ${marker}; }`, BASH_ENV: marker, LD_PRELOAD: '/nope.so', TZ: 'UTC' };
    const res = await invoke('system.run', { command: [script], env }, 'bash-func');
    assert.equal(res['ok'], true, JSON.stringify(res['error']));
    assert.equal(res['payload'].payload.stdout, 'hello\n');
    assert.equal(existsSync(marker), false, 'the injected function must not have run');
  });

  it('T-NODE-3 env allowlist: only locale, time zone and terminal names reach the child', async () => {
    allowExecutable(host.paths.execApprovalsPath, 'env', process.env['PATH']);
    const res = await invoke('system.run', { command: ['env'], env: { TZ: 'Europe/Paris', GIT_SSH_COMMAND: 'touch /tmp/x', PAGER: 'sh', NODE_OPTIONS: '--require=/x' } }, 'env-allow');
    const lines = String(res['payload'].payload.stdout).split('\n');
    assert.ok(lines.includes('TZ=Europe/Paris'));
    assert.equal(lines.some((line) => /^(GIT_SSH_COMMAND|PAGER|NODE_OPTIONS)=/.test(line)), false, lines.join('\n'));
  });

  it('issue 8 timeout orphan: a timed-out run kills its whole process group and returns without waiting for the grandchild', async () => {
    allowExecutable(host.paths.execApprovalsPath, 'sh', process.env['PATH']);
    const started = Date.now();
    // `echo $$` reports the shell's pid (the group leader); `sleep 30; :` makes sleep a grandchild
    // that holds stdout open. Waiting for it would take 30 s; the bound leaves room for a loaded box.
    const res = await invoke('system.run', { command: ['sh', '-c', 'echo $$; sleep 30; :'], timeoutMs: 50 }, 'timeout-group');
    const elapsedMs = Date.now() - started;
    const payload = res['payload'].payload;
    assert.equal(payload.timedOut, true);
    assert.ok(elapsedMs < 10_000, `returned after ${elapsedMs} ms`);
    const pgid = Number(String(payload.stdout).trim());
    assert.ok(pgid > 1, `shell pid printed: ${payload.stdout}`);
    await eventually(() => !isGroupAlive(pgid), 'the process group to disappear', 5000);
  });

  it('T-NODE deep nesting: a node posting a 100k-level payload cannot make node.list hang for everyone', async () => {
    const node = await openNodeSocket(gateway.url, gateway.token!, { displayName: 'nested' });
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    node.sendText(`{"type":"req","id":"deep","method":"node.event","params":{"event":"x","payload":${deep}}}`);
    const res = await node.waitFor((f) => f['id'] === 'deep', 10_000);
    assert.equal(res['ok'], false);
    assert.equal((res['error'] as any).details.code, 'INVALID_FRAME');
    assert.match((res['error'] as any).message, /nested deeper than/);
    const list = await call(admin, 'node.list', {}, 10_000);
    assert.equal(list['ok'], true);
    const described = await call(admin, 'node.describe', { nodeId: node.nodeId }, 10_000);
    assert.equal(described['ok'], true);
    node.socket.terminate();
  });
});
