/** The node host against a real gateway: connect, approval, invoke of each command, exec denial, reconnect. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeHost, allowExecutable } from '../../src/node-host/index.js';
import { createFakeClock } from '../helpers/fake-clock.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { openAuthenticatedSocket, type RawSocket } from '../helpers/raw-socket.js';
import { call } from '../helpers/node-socket.js';
import { eventually } from '../helpers/eventually.js';
import { startNodeHost, type RunningNodeHost } from '../helpers/node-host.js';

const ADMIN = ['operator.admin', 'operator.pairing', 'operator.write', 'operator.read'];

describe('NodeHost', () => {
  let gateway: TestGateway;
  let admin: RawSocket;
  let node: RunningNodeHost;
  let host: NodeHost;
  const lines: string[] = [];

  before(async () => {
    gateway = await startTestGateway();
    admin = await openAuthenticatedSocket(gateway.url, gateway.token!, ADMIN);
    node = await startNodeHost(gateway, { displayName: 'test host', admin, log: (line) => lines.push(line) });
    host = node.host;
  });
  after(async () => {
    node.stop();
    admin.socket.terminate();
    await gateway.stop();
  });

  const invoke = (command: string, params: unknown, key: string): Promise<Record<string, any>> =>
    call(admin, 'node.invoke', { nodeId: host.nodeId, command, params, idempotencyKey: key }, 10_000);

  it('connects as a node keyed by its device id, declaring its commands, and logs the transition', async () => {
    const { node } = (await call(admin, 'node.describe', { nodeId: host.nodeId }))['payload'];
    assert.match(host.nodeId, /^[0-9a-f]{64}$/);
    assert.equal(node.displayName, 'test host');
    assert.equal(node.clientId, 'node-host');
    assert.deepEqual(node.commands, ['system.info', 'system.run', 'system.which']);
    assert.ok(lines.some((line) => line.startsWith(`node host: connected as node ${host.nodeId}`)));
  });

  it('answers system.which with the paths it found, omitting unknown names', async () => {
    const res = await invoke('system.which', { bins: ['sh', 'definitely-not-a-binary-xyz'] }, 'which-1');
    assert.equal(res['ok'], true);
    assert.deepEqual(Object.keys(res['payload'].payload.bins), ['sh']);
    assert.match(res['payload'].payload.bins.sh, /\/sh$/);
    assert.equal(typeof res['payload'].payloadJSON, 'string');
  });

  it('answers system.info', async () => {
    const res = await invoke('system.info', {}, 'info-1');
    assert.equal(res['payload'].payload.clawgateVersion, '0.1.0');
    assert.ok(res['payload'].payload.cpuCount >= 1);
  });

  it('denies system.run of an executable not in the local allowlist, even when the caller claims approval', async () => {
    const res = await invoke('system.run', { command: ['echo', 'nope'], approved: true, approvalDecision: 'allow-always' }, 'run-denied');
    assert.equal(res['ok'], false);
    assert.equal(res['error'].code, 'UNAVAILABLE');
    assert.equal(res['error'].details.code, 'NODE_INVOKE_FAILED');
    assert.equal(res['error'].details.nodeError.code, 'SYSTEM_RUN_DENIED');
    assert.match(res['error'].message, /^node system\.run failed: exec denied by this node: \/.*echo is not allowed \(on the node host run `clawgate approvals allow \/.*echo`\)$/);
  });

  it('runs an allowed executable without a shell and returns exit code, stdout and stderr', async () => {
    allowExecutable(host.paths.execApprovalsPath, 'sh', process.env['PATH']);
    const res = await invoke('system.run', { command: ['sh', '-c', 'echo out; echo err >&2; exit 3'], env: { LD_PRELOAD: '/x.so' } }, 'run-ok');
    assert.deepEqual(res['payload'].payload, { exitCode: 3, signal: null, timedOut: false, success: false, stdout: 'out\n', stderr: 'err\n', truncated: false, error: null });
    const literal = await invoke('system.run', { command: ['sh', '-c', 'printf %s "$1"', 'x', '$(id); `id`'] }, 'run-literal');
    assert.equal(literal['payload'].payload.stdout, '$(id); `id`', 'arguments are passed as argv, never through a shell');
  });

  it('kills a run that outlives its timeout and says so', async () => {
    const res = await invoke('system.run', { command: ['sh', '-c', 'sleep 5'], timeoutMs: 50 }, 'run-timeout');
    assert.equal(res['payload'].payload.timedOut, true);
    assert.equal(res['payload'].payload.signal, 'SIGKILL');
  });

  it('rejects bad params with NODE_HOST_INVALID_PARAMS', async () => {
    const res = await invoke('system.run', { command: [] }, 'run-bad');
    assert.equal(res['error'].details.nodeError.code, 'NODE_HOST_INVALID_PARAMS');
  });
});

describe('NodeHost reconnects', () => {
  it('backs off after the gateway goes away and comes back with the same identity', async () => {
    const first = await startTestGateway();
    const port = first.server.port;
    const stateDir = mkdtempSync(join(tmpdir(), 'clawgate-node-'));
    const clock = createFakeClock();
    const lines: string[] = [];
    const host = new NodeHost({ url: first.url, token: first.token, stateDir, log: (line) => lines.push(line), timers: clock, backoff: { random: () => 0.5 } });
    void host.run();
    await eventually(() => host.state === 'connected', 'first connect');
    const nodeId = host.nodeId;
    await first.stop();
    await eventually(() => host.state === 'waiting', 'the host to notice the loss');
    assert.equal(clock.nextDueInMs(), 1000);
    assert.match(lines.at(-1)!, /^node host: connection lost \(1001: test finished\); reconnecting in 1000 ms$/);
    clock.advance(1000);
    await eventually(() => host.state === 'waiting' && clock.pendingTimers === 1, 'a refused reconnect');
    assert.equal(clock.nextDueInMs(), 2000, 'the second delay doubles');
    const second = await startTestGateway({ flags: { port } });
    try {
      clock.advance(2000);
      await eventually(() => host.state === 'connected', 'reconnect');
      assert.equal(host.nodeId, nodeId);
      const admin = await openAuthenticatedSocket(second.url, second.token!, ADMIN);
      const { nodes } = (await call(admin, 'node.list'))['payload'];
      assert.deepEqual(nodes.map((n: any) => n.nodeId), [nodeId]);
      admin.socket.terminate();
      const again = new NodeHost({ url: second.url, token: second.token, stateDir, log: () => undefined });
      assert.equal(again.nodeId, nodeId, 'the identity file is reused across restarts');
    } finally {
      host.stop();
      await second.stop();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('stops for good on a credential the gateway rejects', async () => {
    const gateway = await startTestGateway();
    const stateDir = mkdtempSync(join(tmpdir(), 'clawgate-node-'));
    const lines: string[] = [];
    try {
      const host = new NodeHost({ url: gateway.url, token: 'wrong-token', stateDir, log: (line) => lines.push(line), timers: createFakeClock() });
      assert.equal(await host.run(), 'failed');
      assert.match(lines.at(-1)!, /gateway refused this node: unauthorized: gateway token mismatch \[AUTH_TOKEN_MISMATCH\]; not retrying/);
      assert.ok(lines.every((line) => !line.includes('wrong-token')), 'the token never reaches the log');
    } finally {
      await gateway.stop();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
