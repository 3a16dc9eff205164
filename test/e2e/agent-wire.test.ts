/**
 * The agent's wire details OpenClaw clients and nodes rely on: who receives the `tool` stream, the
 * `approved` flag a node gets after a gateway-side exec approval (and that no operator can forge),
 * what an `allow-always` decision and the rule it leaves send the node, and hello-ok `sessionDefaults.modelConfigured`. A real gateway,
 * a FAKE OpenAI-compatible model server (scripted SSE over real HTTP) and a raw node socket standing in
 * for an OpenClaw node (it records the `node.invoke.request` frames it gets and answers them).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createAgentFeature } from '../../src/agent/feature.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { fakeModelConfig, lastToolResultText, startFakeOpenAiServer, type FakeModelServer } from '../helpers/fake-model.js';
import { approveNode, call, openNodeSocket, type TestNode } from '../helpers/node-socket.js';
import { connectFrame, openAuthenticatedSocket, openRawSocket, type RawSocket } from '../helpers/raw-socket.js';

const WRITE = ['operator.read', 'operator.write'];

/** An operator socket that declares `caps` in connect; resolves with the socket and its hello-ok. */
async function openOperator(url: string, token: string, scopes: string[], caps: string[]): Promise<{ socket: RawSocket; hello: Record<string, any> }> {
  const socket = await openRawSocket(url);
  await socket.waitFor((f) => f['event'] === 'connect.challenge');
  socket.send(connectFrame({ token, scopes, params: { caps } }));
  const res = await socket.waitFor((f) => f['type'] === 'res' && f['id'] === 'c1');
  assert.equal(res['ok'], true, JSON.stringify(res['error']));
  return { socket, hello: res['payload'] as Record<string, any> };
}

/** Answers the node's next `system.run` like an OpenClaw node; returns the params it was sent. */
async function answerSystemRun(node: TestNode): Promise<Record<string, any>> {
  const request = await node.nextInvoke(10_000);
  assert.equal(request['command'], 'system.run');
  await call(node, 'node.invoke.result', { id: request['id'], nodeId: node.nodeId, ok: true, payload: { exitCode: 0, timedOut: false, success: true, stdout: 'Linux fake-node', stderr: '', error: null } });
  return JSON.parse(String(request['paramsJSON'])) as Record<string, any>;
}

function agentStreams(socket: RawSocket, runId: string): string[] {
  return socket.frames.filter((f) => f['event'] === 'agent' && (f['payload'] as { runId: string }).runId === runId).map((f) => String((f['payload'] as { stream: string }).stream));
}

describe('agent wire details (fake model, fake node socket, real gateway)', () => {
  let model: FakeModelServer;
  let gateway: TestGateway;
  let admin: RawSocket;
  let node: TestNode;
  before(async () => {
    model = await startFakeOpenAiServer([]);
    gateway = await startTestGateway({ features: [createAgentFeature()], config: fakeModelConfig(model.baseUrl, { exec: { mode: 'ask' } }) });
    admin = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.admin']);
    node = await openNodeSocket(gateway.url, gateway.token!, { commands: ['system.run'], displayName: 'fake-openclaw-node' });
    await approveNode(admin, node.nodeId);
  });
  after(async () => {
    node.socket.terminate();
    admin.socket.terminate();
    await gateway.stop();
    await model.close();
  });

  it('hello-ok sessionDefaults says a model is configured, as OpenClaw 2026.9.6 does', async () => {
    const { socket, hello } = await openOperator(gateway.url, gateway.token!, WRITE, []);
    assert.deepEqual(hello['snapshot'].sessionDefaults, { defaultAgentId: 'main', mainKey: 'main', mainSessionKey: 'agent:main:main', scope: 'per-sender', modelConfigured: true, ownership: 'sole', selectionRequired: false });
    socket.socket.close();
  });

  it('after exec.approval.resolve allow-once the node gets system.run with approved:true and the approval id', async () => {
    model.setScript([{ kind: 'toolCall', id: 'call_a', name: 'exec', args: { command: 'uname -a', host: 'node' } }, (req) => ({ kind: 'text', chunks: [`node said: ${lastToolResultText(req)}`] })]);
    const approver = await openOperator(gateway.url, gateway.token!, ['operator.approvals'], ['exec-approvals']);
    const user = await openAuthenticatedSocket(gateway.url, gateway.token!, WRITE);
    user.send({ type: 'req', id: 'w1', method: 'agent', params: { message: 'uname please', idempotencyKey: 'approved-run' } });
    const requested = await approver.socket.waitFor((f) => f['event'] === 'exec.approval.requested');
    const id = (requested['payload'] as { id: string }).id;
    assert.deepEqual((requested['payload'] as any).request.allowedDecisions, ['allow-once', 'allow-always', 'deny']);
    assert.equal((await call(approver.socket, 'exec.approval.resolve', { id, decision: 'allow-once' }))['ok'], true);
    const params = await answerSystemRun(node);
    assert.equal(params['approved'], true);
    assert.equal(params['approvalDecision'], 'allow-once');
    assert.equal(params['runId'], id, 'runId becomes the approval id (§6.3)');
    assert.deepEqual(params['command'], ['uname', '-a']);
    const final = await user.waitFor((f) => f['id'] === 'w1' && (f['payload'] as { status?: string })?.status === 'ok', 15_000);
    assert.match((final['payload'] as any).result.payloads[0].text, /node said: Node: fake-openclaw-node\nLinux fake-node/);
    approver.socket.socket.close();
    user.socket.close();
  });

  it('allow-always sends the node approvalDecision allow-always (so an OpenClaw node persists it too); a run the rule covers is asked of nobody and carries approved:true, allow-always and the rule id', async () => {
    const approver = await openOperator(gateway.url, gateway.token!, ['operator.approvals'], ['exec-approvals']);
    const user = await openAuthenticatedSocket(gateway.url, gateway.token!, WRITE);
    const runTurn = (key: string): void => {
      model.setScript([{ kind: 'toolCall', id: `call_${key}`, name: 'exec', args: { command: 'uname -m' } }, (req) => ({ kind: 'text', chunks: [`node said: ${lastToolResultText(req)}`] })]);
      user.send({ type: 'req', id: key, method: 'agent', params: { message: 'arch?', idempotencyKey: key } });
    };
    runTurn('always-1');
    const requested = await approver.socket.waitFor((f) => f['event'] === 'exec.approval.requested');
    const id = (requested['payload'] as { id: string }).id;
    assert.equal((await call(approver.socket, 'exec.approval.resolve', { id, decision: 'allow-always' }))['ok'], true);
    const first = await answerSystemRun(node);
    assert.deepEqual([first['approved'], first['approvalDecision'], first['runId']], [true, 'allow-always', id]);
    await user.waitFor((f) => f['id'] === 'always-1' && (f['payload'] as { status?: string })?.status === 'ok', 15_000);
    const ruleId = ((await call(admin, 'exec.approval.rules.list'))['payload'].rules as { id: string; argv: string[] }[]).find((r) => r.argv.join(' ') === 'uname -m')!.id;
    runTurn('always-2');
    const second = await answerSystemRun(node);
    assert.deepEqual([second['approved'], second['approvalDecision'], second['runId'], second['command']], [true, 'allow-always', ruleId, ['uname', '-m']]);
    await user.waitFor((f) => f['id'] === 'always-2' && (f['payload'] as { status?: string })?.status === 'ok', 15_000);
    assert.equal(approver.socket.frames.filter((f) => f['event'] === 'exec.approval.requested').length, 1, 'the covered run asked');
    approver.socket.socket.close();
    user.socket.close();
  });

  it('an operator node.invoke of system.run with approved:true reaches the node without any approval field', async () => {
    const invoke = call(admin, 'node.invoke', { nodeId: node.nodeId, command: 'system.run', params: { command: ['uname', '-a'], approved: true, approvalDecision: 'allow-once', runId: 'forged' }, idempotencyKey: 'forge-1' });
    const params = await answerSystemRun(node);
    assert.deepEqual(params, { command: ['uname', '-a'], runId: 'forged' });
    assert.equal((await invoke)['ok'], true);
  });

  it('sends the tool stream only to the requester that declared tool-events; watchers still see item events', async () => {
    model.setScript([{ kind: 'toolCall', id: 'call_t', name: 'nodes', args: { action: 'status' } }, { kind: 'text', chunks: ['done'] }]);
    const requester = await openOperator(gateway.url, gateway.token!, WRITE, ['tool-events']);
    const watcher = await openOperator(gateway.url, gateway.token!, ['operator.read'], ['tool-events']);
    requester.socket.send({ type: 'req', id: 't1', method: 'chat.send', params: { sessionKey: 'tools', message: 'status?', idempotencyKey: 'tool-run' } });
    await requester.socket.waitFor((f) => f['event'] === 'chat' && (f['payload'] as { state: string }).state === 'final', 15_000);
    await watcher.socket.waitFor((f) => f['event'] === 'chat' && (f['payload'] as { state: string }).state === 'final', 15_000);
    const ackAt = requester.socket.frames.findIndex((f) => f['type'] === 'res' && f['id'] === 't1');
    const firstEventAt = requester.socket.frames.findIndex((f) => f['event'] === 'agent' && (f['payload'] as { runId: string }).runId === 'tool-run');
    assert.ok(ackAt >= 0 && ackAt < firstEventAt, 'chat.send is answered before the run\'s first event, as in OpenClaw');
    const tool = requester.socket.frames.filter((f) => f['event'] === 'agent' && (f['payload'] as { stream: string }).stream === 'tool').map((f) => (f['payload'] as any).data);
    assert.deepEqual(tool.map((data) => [data.phase, data.name, data.toolCallId]), [['start', 'nodes', 'call_t'], ['result', 'nodes', 'call_t']]);
    assert.ok(!agentStreams(watcher.socket, 'tool-run').includes('tool'), 'a watcher that did not start the run gets no tool stream');
    assert.ok(agentStreams(watcher.socket, 'tool-run').includes('item'));
    // Without the cap, the requester gets no tool stream either (OpenClaw client-info `tool-events`).
    const plain = await openAuthenticatedSocket(gateway.url, gateway.token!, WRITE);
    model.setScript([{ kind: 'toolCall', id: 'call_u', name: 'nodes', args: { action: 'status' } }, { kind: 'text', chunks: ['done'] }]);
    plain.send({ type: 'req', id: 't2', method: 'chat.send', params: { sessionKey: 'tools', message: 'again', idempotencyKey: 'tool-run-2' } });
    await plain.waitFor((f) => f['event'] === 'chat' && (f['payload'] as { runId: string; state: string }).runId === 'tool-run-2' && (f['payload'] as { state: string }).state === 'final', 15_000);
    assert.ok(!agentStreams(plain, 'tool-run-2').includes('tool'));
    assert.ok(agentStreams(plain, 'tool-run-2').includes('item'));
    requester.socket.socket.close();
    watcher.socket.socket.close();
    plain.socket.close();
  });
});

describe('agent sessionDefaults with no model configured', () => {
  it('says modelConfigured:false', async () => {
    const gateway = await startTestGateway({ features: [createAgentFeature()] });
    try {
      const { socket, hello } = await openOperator(gateway.url, gateway.token!, WRITE, []);
      assert.equal(hello['snapshot'].sessionDefaults.modelConfigured, false);
      socket.socket.close();
    } finally {
      await gateway.stop();
    }
  });
});
