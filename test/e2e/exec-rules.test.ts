/**
 * "Always allow" end to end: a real gateway with the agent, our real node host, the real CLI, real
 * SQLite across a gateway restart, and a FAKE OpenAI-compatible model server (scripted tool calls).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgentFeature } from '../../src/agent/feature.js';
import type { NodeHost } from '../../src/node-host/index.js';
import { runCliInProcess } from '../helpers/cli.js';
import { fakeModelConfig, lastToolResultText, startFakeOpenAiServer, type FakeModelServer } from '../helpers/fake-model.js';
import { createTempStateDir, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { approveNode, call } from '../helpers/node-socket.js';
import { startNodeHost } from '../helpers/node-host.js';
import { openAuthenticatedSocket, type RawSocket } from '../helpers/raw-socket.js';

const WRITE = ['operator.read', 'operator.write'];

describe('exec "Always allow" rules (real gateway, our node host, fake model)', () => {
  let model: FakeModelServer;
  let gateway: TestGateway;
  let stateDir: string;
  let nodeDir: string;
  let host: NodeHost;
  let admin: RawSocket;
  let approver: RawSocket;
  let user: RawSocket;

  /** Our node host on `nodeDir` (same identity across restarts), approved and allowed to run uname. */
  async function connectHost(): Promise<void> {
    host = (await startNodeHost(gateway, { displayName: 'box', stateDir: nodeDir, allow: ['uname'] })).host;
    // Approved once: after a restart the same identity is already paired.
    const pending = (await call(admin, 'node.pair.list'))['payload'].pending as { nodeId: string }[];
    if (pending.some((p) => p.nodeId === host.nodeId)) await approveNode(admin, host.nodeId);
  }

  async function openSockets(): Promise<void> {
    admin = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.admin']);
    approver = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.approvals']);
    user = await openAuthenticatedSocket(gateway.url, gateway.token!, WRITE);
  }

  /** One turn whose model calls exec `command`; resolves with the final agent payload. */
  function turn(key: string, command: string): Promise<Record<string, any>> {
    model.setScript([{ kind: 'toolCall', id: `call-${key}`, name: 'exec', args: { command } }, (req) => ({ kind: 'text', chunks: [`said: ${lastToolResultText(req)}`] })]);
    user.send({ type: 'req', id: key, method: 'agent', params: { message: `run ${command}`, idempotencyKey: key, sessionKey: key } });
    return user.waitFor((f) => f['id'] === key && (f['payload'] as { status?: string })?.status !== 'accepted', 20_000).then((f) => f['payload'] as Record<string, any>);
  }

  const asked = (): Record<string, any>[] => approver.frames.filter((f) => f['event'] === 'exec.approval.requested').map((f) => f['payload'] as Record<string, any>);
  const nextAsk = (seen: number): Promise<Record<string, any>> =>
    approver.waitFor((f) => f['event'] === 'exec.approval.requested' && approver.frames.indexOf(f) >= seen, 15_000).then((f) => f['payload'] as Record<string, any>);
  const cli = (args: string[]) => runCliInProcess([...args, '--url', gateway.url, '--token', gateway.token!], { CLAWGATE_STATE_DIR: createTempStateDir() });

  before(async () => {
    model = await startFakeOpenAiServer([]);
    stateDir = createTempStateDir();
    nodeDir = mkdtempSync(join(tmpdir(), 'clawgate-node-'));
    gateway = await startTestGateway({ stateDir, features: [createAgentFeature()], config: fakeModelConfig(model.baseUrl, { exec: { mode: 'ask' } }) });
    await openSockets();
    await connectHost();
  });
  after(async () => {
    host.stop();
    for (const socket of [admin, approver, user]) socket.socket.terminate();
    await gateway.stop();
    await model.close();
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(nodeDir, { recursive: true, force: true });
  });

  it('`allow <id> --always` runs uname -a; the same command in a new turn runs without asking; uname -r still asks', async () => {
    const seen = approver.frames.length;
    const first = turn('always-1', 'uname -a');
    const request = await nextAsk(seen);
    assert.deepEqual(request['request'].allowedDecisions, ['allow-once', 'allow-always', 'deny']);
    const misused = await cli(['exec-approvals', 'allow', request['id'], '--days', '30']);
    assert.equal(misused.code, 2, 'a --days without --always is a usage error, not an allow-once');
    assert.match(misused.stderr, /--days needs --always/);
    const allowed = await cli(['exec-approvals', 'allow', request['id'], '--always', '--days', '30']);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match(allowed.stdout, /Always allowed: /);
    assert.match((await first)['result'].payloads[0].text, /said: Node: box\nLinux /);
    const resolved = approver.frames.find((f) => f['event'] === 'exec.approval.resolved' && (f['payload'] as { id: string }).id === request['id'])!['payload'] as Record<string, any>;
    assert.equal(resolved['decision'], 'allow-always');

    const rules = (await call(admin, 'exec.approval.rules.list'))['payload'].rules as Record<string, any>[];
    assert.equal(rules.length, 1);
    assert.deepEqual([rules[0]!['argv'], rules[0]!['cwd'], rules[0]!['nodeId'], rules[0]!['agentId'], rules[0]!['approvalId']], [['uname', '-a'], null, host.nodeId, 'main', request['id']]);
    assert.equal(resolved['ruleId'], rules[0]!['id']);
    assert.equal(rules[0]!['expiresAtMs'] - rules[0]!['createdAtMs'], 30 * 86_400_000);

    const asksBefore = asked().length;
    const second = await turn('always-2', 'uname -a');
    assert.match(second['result'].payloads[0].text, /said: Node: box\nLinux /);
    assert.equal(asked().length, asksBefore, 'the covered command asked nobody');

    const seenBeforeThird = approver.frames.length;
    const third = turn('always-3', 'uname -r');
    const other = await nextAsk(seenBeforeThird);
    assert.deepEqual(other['request'].commandArgv, ['uname', '-r']);
    assert.equal((await call(approver, 'exec.approval.resolve', { id: other['id'], decision: 'deny' }))['ok'], true);
    assert.match((await third)['result'].payloads[0].text, /exec denied/);
    const listed = await cli(['exec-approvals', 'rules']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${rules[0]!['id']}  \\["uname","-a"\\]  cwd -  node ${host.nodeId.slice(0, 12)}  agent main  by .*  used 1x  since \\S+  expires \\S+$`, 'm'));
  });

  it('keeps the rule across a gateway restart on the same state dir', async () => {
    host.stop();
    for (const socket of [admin, approver, user]) socket.socket.terminate();
    await gateway.stop();
    gateway = await startTestGateway({ stateDir, features: [createAgentFeature()], config: fakeModelConfig(model.baseUrl, { exec: { mode: 'ask' } }) });
    await openSockets();
    await connectHost();
    const after = await turn('restart-1', 'uname -a');
    assert.match(after['result'].payloads[0].text, /said: Node: box\nLinux /);
    assert.equal(asked().length, 0, 'asked after the restart');
  });

  it('refuses the rules methods to write-only and approvals-only operators (operator.admin)', async () => {
    const ruleId = ((await call(admin, 'exec.approval.rules.list'))['payload'].rules as { id: string }[])[0]!.id;
    for (const socket of [user, approver]) {
      for (const [method, params] of [['exec.approval.rules.list', {}], ['exec.approval.rules.remove', { id: ruleId }]] as const) {
        const res = await call(socket, method, params);
        assert.equal(res['error']?.code, 'FORBIDDEN', method);
        assert.equal(res['error']?.details.code, 'MISSING_SCOPE', method);
      }
    }
    assert.equal(((await call(admin, 'exec.approval.rules.list'))['payload'].rules as unknown[]).length, 1, 'nothing was removed');
  });

  it('`forget <ruleId>` removes the rule and the command asks again; forgetting it twice is EXEC_RULE_NOT_FOUND', async () => {
    const ruleId = ((await call(admin, 'exec.approval.rules.list'))['payload'].rules as { id: string }[])[0]!.id;
    const forgot = await cli(['exec-approvals', 'forget', ruleId]);
    assert.equal(forgot.code, 0, forgot.stderr);
    assert.match(forgot.stdout, /Forgot rule .*\["uname","-a"\] asks again/);
    const again = await call(admin, 'exec.approval.rules.remove', { id: ruleId });
    assert.equal(again['error'].details.code, 'EXEC_RULE_NOT_FOUND');
    const seen = approver.frames.length;
    const run = turn('forgot-1', 'uname -a');
    const request = await nextAsk(seen);
    assert.deepEqual(request['request'].commandArgv, ['uname', '-a']);
    await call(approver, 'exec.approval.resolve', { id: request['id'], decision: 'deny' });
    assert.match((await run)['result'].payloads[0].text, /exec denied/);
    assert.deepEqual((await cli(['exec-approvals', 'rules'])).stdout, 'No exec rules.\n');
  });
});
