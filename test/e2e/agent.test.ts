/**
 * The agent feature end to end: a real gateway with the agent plugged in through the seam, a FAKE
 * OpenAI-compatible model server (scripted SSE over real HTTP), our real node host, real sockets and
 * the real CLI.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { createAgentFeature } from '../../src/agent/feature.js';
import { NO_MODEL_REPLY } from '../../src/agent/commands.js';
import { createTempStateDir, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { runCliInProcess } from '../helpers/cli.js';
import { fakeModelConfig, lastToolResultText, startFakeOpenAiServer, type FakeModelServer } from '../helpers/fake-model.js';
import { call } from '../helpers/node-socket.js';
import { startNodeHost, type RunningNodeHost } from '../helpers/node-host.js';
import { openAuthenticatedSocket, type RawSocket } from '../helpers/raw-socket.js';

const WRITE = ['operator.read', 'operator.write'];
const ADMIN = ['operator.admin'];

function chatEvents(socket: RawSocket, runId: string): Record<string, any>[] {
  return socket.frames.filter((f) => f['event'] === 'chat' && (f['payload'] as { runId: string }).runId === runId).map((f) => f['payload'] as Record<string, any>);
}

describe('agent feature (fake model, real gateway)', () => {
  let model: FakeModelServer;
  let gateway: TestGateway;
  let stateDir: string;
  before(async () => {
    model = await startFakeOpenAiServer([{ kind: 'text', chunks: ['Hello', ' from', ' test-model.'] }]);
    stateDir = createTempStateDir();
    gateway = await startTestGateway({ stateDir, features: [createAgentFeature()], config: fakeModelConfig(model.baseUrl) });
  });
  after(async () => {
    await gateway.stop();
    await model.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('`clawgate gateway agent --message hello` streams the model reply and exits 0', async () => {
    const result = await runCliInProcess(['gateway', 'agent', '--url', gateway.url, '--token', gateway.token!, '--message', 'hello', '--idempotency-key', 'cli-run-1'], { CLAWGATE_STATE_DIR: createTempStateDir() });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'Hello from test-model.\n');
    assert.equal(model.requests.at(-1)?.body['stream'], true);
  });

  it('answers agent twice on one id and streams chat deltas then final with the canonical session key', async () => {
    const socket = await openAuthenticatedSocket(gateway.url, gateway.token!, WRITE);
    socket.send({ type: 'req', id: 'a1', method: 'agent', params: { message: 'Say hello', sessionKey: 'main', idempotencyKey: 'run-agent-1' } });
    await socket.waitFor((f) => f['id'] === 'a1' && (f['payload'] as { status?: string })?.status === 'ok');
    const responses = socket.frames.filter((f) => f['id'] === 'a1').map((f) => f['payload'] as Record<string, any>);
    assert.deepEqual(responses.map((r) => r['status']), ['accepted', 'ok']);
    assert.deepEqual([responses[0]!['runId'], responses[0]!['sessionKey'], responses[0]!['agentId']], ['run-agent-1', 'agent:main:main', 'main']);
    assert.equal(responses[1]!['summary'], 'completed');
    assert.deepEqual(responses[1]!['result'].payloads, [{ text: 'Hello from test-model.', mediaUrl: null }]);
    const chats = chatEvents(socket, 'run-agent-1');
    assert.deepEqual(chats.map((c) => c['state']), ['delta', 'delta', 'delta', 'final']);
    assert.ok(chats.every((c) => c['sessionKey'] === 'agent:main:main'));
    const wait = await call(socket, 'agent.wait', { runId: 'run-agent-1', timeoutMs: 1000 });
    assert.equal(wait['payload'].status, 'ok');
    assert.deepEqual((await call(socket, 'agent.wait', { runId: 'no-such-run', timeoutMs: 0 }))['payload'], { runId: 'no-such-run', status: 'timeout' });
    socket.socket.close();
  });

  it('rejects unknown agent params, needs operator.admin for /new, and refuses send without a channel', async () => {
    const socket = await openAuthenticatedSocket(gateway.url, gateway.token!, WRITE);
    const bogus = await call(socket, 'agent', { message: 'x', idempotencyKey: 'b1', bogusField: 1 });
    assert.equal(bogus['error'].code, 'INVALID_REQUEST');
    const reset = await call(socket, 'agent', { message: '/new', idempotencyKey: 'b2' });
    assert.equal(reset['error'].code, 'FORBIDDEN');
    const send = await call(socket, 'send', { to: 'x', message: 'hi', idempotencyKey: 'b3' });
    assert.equal(send['error'].details.code, 'SEND_CHANNEL_UNAVAILABLE');
    socket.socket.close();
  });

  it('keeps the transcript across a gateway restart (chat.history and `clawgate sessions history`)', async () => {
    await gateway.stop();
    gateway = await startTestGateway({ stateDir, features: [createAgentFeature()], config: fakeModelConfig(model.baseUrl) });
    const socket = await openAuthenticatedSocket(gateway.url, gateway.token!, WRITE);
    const history = (await call(socket, 'chat.history', { sessionKey: 'main' }))['payload'];
    const texts = history.messages.map((m: any) => (typeof m.content === 'string' ? `${m.role}:${m.content}` : `${m.role}:${m.content.map((b: any) => b.text).join('')}`));
    assert.ok(texts.includes('user:hello'));
    assert.ok(texts.includes('assistant:Hello from test-model.'));
    socket.socket.close();
    const cli = await runCliInProcess(['sessions', 'history', 'main', '--url', gateway.url, '--token', gateway.token!], { CLAWGATE_STATE_DIR: createTempStateDir() });
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /user: hello\nassistant: Hello from test-model\./);
    const list = await runCliInProcess(['sessions', 'list', '--url', gateway.url, '--token', gateway.token!, '--json'], { CLAWGATE_STATE_DIR: createTempStateDir() });
    assert.equal(JSON.parse(list.stdout).sessions[0].key, 'agent:main:main');
  });

  it('chat.send acks started and chat.abort stops a streaming reply with state aborted', async () => {
    model.setScript([{ kind: 'hang', chunks: ['partial'] }]);
    const socket = await openAuthenticatedSocket(gateway.url, gateway.token!, WRITE);
    const ack = await call(socket, 'chat.send', { sessionKey: 'abort-test', message: 'go', idempotencyKey: 'chat-1' });
    assert.deepEqual(ack['payload'], { runId: 'chat-1', status: 'started' });
    await socket.waitFor((f) => f['event'] === 'chat' && (f['payload'] as { state: string }).state === 'delta');
    const aborted = await call(socket, 'chat.abort', { sessionKey: 'abort-test' });
    assert.deepEqual(aborted['payload'], { ok: true, aborted: true, runIds: ['chat-1'] });
    await socket.waitFor((f) => f['event'] === 'chat' && (f['payload'] as { state: string }).state === 'aborted');
    const end = chatEvents(socket, 'chat-1').at(-1)!;
    assert.equal(end['stopReason'], 'rpc');
    assert.equal(end['sessionKey'], 'agent:main:abort-test');
    assert.equal((await call(socket, 'agent.wait', { runId: 'chat-1' }))['payload'].status, 'timeout');
    model.setScript([{ kind: 'text', chunks: ['Hello', ' from', ' test-model.'] }]);
    socket.socket.close();
  });
});

describe('agent feature with our node host (exec through system.run)', () => {
  let model: FakeModelServer;
  let gateway: TestGateway;
  let admin: RawSocket;
  let node: RunningNodeHost;
  before(async () => {
    model = await startFakeOpenAiServer([]);
    gateway = await startTestGateway({ features: [createAgentFeature()], config: fakeModelConfig(model.baseUrl, { exec: { mode: 'ask' } }) });
    admin = await openAuthenticatedSocket(gateway.url, gateway.token!, ADMIN);
    node = await startNodeHost(gateway, { displayName: 'box', admin, allow: ['uname'] });
  });
  after(async () => {
    node.stop();
    admin.socket.terminate();
    await gateway.stop();
    await model.close();
  });

  it('with mode ask runs `uname -a` on the node only after the terminal approval; the reply contains its output; a replay is refused', async () => {
    model.setScript([{ kind: 'toolCall', id: 'call_1', name: 'exec', args: { command: 'uname -a', host: 'node' } }, (req) => ({ kind: 'text', chunks: [`The node says: ${lastToolResultText(req)}`] })]);
    const approvals = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.approvals']);
    const user = await openAuthenticatedSocket(gateway.url, gateway.token!, WRITE);
    user.send({ type: 'req', id: 'x1', method: 'agent', params: { message: 'what system is the node?', idempotencyKey: 'exec-run-1' } });
    const requested = await approvals.waitFor((f) => f['event'] === 'exec.approval.requested');
    const id = (requested['payload'] as { id: string }).id;
    assert.equal(user.frames.filter((f) => f['id'] === 'x1').length, 1, 'only the accepted ack before the approval');
    const listed = await runCliInProcess(['exec-approvals', 'list', '--url', gateway.url, '--token', gateway.token!], { CLAWGATE_STATE_DIR: createTempStateDir() });
    assert.match(listed.stdout, new RegExp(`${id}  uname -a`));
    const altered = await call(admin, 'exec.approval.resolve', { id, decision: 'allow-once', command: ['rm', '-rf', '/'] });
    assert.equal(altered['error'].code, 'INVALID_REQUEST');
    const allowed = await runCliInProcess(['exec-approvals', 'allow', id, '--url', gateway.url, '--token', gateway.token!], { CLAWGATE_STATE_DIR: createTempStateDir() });
    assert.equal(allowed.code, 0, allowed.stderr);
    const final = await user.waitFor((f) => f['id'] === 'x1' && (f['payload'] as { status?: string })?.status === 'ok', 15_000);
    const text = (final['payload'] as any).result.payloads[0].text as string;
    assert.match(text, /The node says: Node: box\nLinux /);
    const replay = await call(admin, 'exec.approval.resolve', { id, decision: 'allow-once' });
    assert.equal(replay['error'].code, 'APPROVAL_NOT_FOUND');
    approvals.socket.close();
    user.socket.close();
  });

  it('with no approval client connected the tool is denied with the reason', async () => {
    model.setScript([{ kind: 'toolCall', id: 'call_2', name: 'exec', args: { command: 'uname -a' } }, (req) => ({ kind: 'text', chunks: [lastToolResultText(req)] })]);
    admin.socket.terminate();
    const user = await openAuthenticatedSocket(gateway.url, gateway.token!, WRITE);
    // A write-only operator: `clawgate gateway agent` would itself hold operator.approvals and be asked.
    user.send({ type: 'req', id: 'd1', method: 'agent', params: { message: 'run it', idempotencyKey: 'denied-run' } });
    const final = await user.waitFor((f) => f['id'] === 'd1' && (f['payload'] as { status?: string })?.status !== 'accepted', 15_000);
    assert.match((final['payload'] as any).result.payloads[0].text, /exec denied: Headless runs cannot wait for interactive exec approval/);
    user.socket.close();
    admin = await openAuthenticatedSocket(gateway.url, gateway.token!, ADMIN);
  });
});

describe('agent feature with no model configured', () => {
  let gateway: TestGateway;
  let admin: RawSocket;
  let node: RunningNodeHost;
  before(async () => {
    gateway = await startTestGateway({ features: [createAgentFeature()] });
    admin = await openAuthenticatedSocket(gateway.url, gateway.token!, ADMIN);
    node = await startNodeHost(gateway, { displayName: 'box', admin, allow: ['uname'] });
  });
  after(async () => {
    node.stop();
    admin.socket.terminate();
    await gateway.stop();
  });

  it('`/run box uname -a` runs on the node and a plain message gets the no-model reply', async () => {
    const env = { CLAWGATE_STATE_DIR: createTempStateDir() };
    const run = await runCliInProcess(['gateway', 'agent', '--url', gateway.url, '--token', gateway.token!, '--message', '/run box uname -a'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Node: box\nLinux /);
    const plain = await runCliInProcess(['gateway', 'agent', '--url', gateway.url, '--token', gateway.token!, '--message', 'hello there'], env);
    assert.equal(plain.stdout, `${NO_MODEL_REPLY}\n`);
    const help = await runCliInProcess(['gateway', 'agent', '--url', gateway.url, '--token', gateway.token!, '--message', '/help'], env);
    assert.match(help.stdout, /\/run <node> <command…>/);
  });
});

describe('agent failure modes end cleanly (fake model, real gateway)', () => {
  let model: FakeModelServer;
  let gateway: TestGateway;
  let stateDir: string;
  let node: RunningNodeHost;
  before(async () => {
    model = await startFakeOpenAiServer([]);
    stateDir = createTempStateDir();
    gateway = await startTestGateway({ stateDir, features: [createAgentFeature()], config: fakeModelConfig(model.baseUrl, { exec: { mode: 'full' }, provider: { timeoutSeconds: 0.5 } }) });
    const admin = await openAuthenticatedSocket(gateway.url, gateway.token!, ADMIN);
    node = await startNodeHost(gateway, { displayName: 'box', admin, allow: ['sleep'] });
    admin.socket.close();
  });
  after(async () => {
    node.stop();
    await gateway.stop();
    await model.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  async function runAgent(socket: RawSocket, id: string, message: string, key: string): Promise<Record<string, any>> {
    socket.send({ type: 'req', id, method: 'agent', params: { message, idempotencyKey: key, sessionKey: key } });
    const final = await socket.waitFor((f) => f['id'] === id && (f['payload'] as { status?: string })?.status !== 'accepted', 20_000);
    return final['payload'] as Record<string, any>;
  }

  it('retries a model 500 and then answers', async () => {
    model.setScript([{ kind: 'error', status: 500 }, { kind: 'text', chunks: ['recovered'] }]);
    const socket = await openAuthenticatedSocket(gateway.url, gateway.token!, WRITE);
    const final = await runAgent(socket, 'f1', 'hi', 'retry-500');
    assert.equal(final['status'], 'ok');
    assert.equal(final['result'].payloads[0].text, 'recovered');
    assert.ok(socket.frames.some((f) => f['event'] === 'agent' && (f['payload'] as any).stream === 'run_status' && (f['payload'] as any).data.phase === 'retrying'));
    socket.socket.close();
  });

  it('ends a 401 with status error naming provider, model and fix, and a chat error event', async () => {
    model.setScript([{ kind: 'error', status: 401 }]);
    const socket = await openAuthenticatedSocket(gateway.url, gateway.token!, WRITE);
    const final = await runAgent(socket, 'f2', 'hi', 'auth-401');
    assert.deepEqual([final['status'], final['summary']], ['error', 'failed']);
    assert.match(final['result'].payloads[0].text, /model local\/test-model refused the request \(HTTP 401\)\. Fix: check models\.providers\.local\.apiKey/);
    const error = chatEvents(socket, 'auth-401').at(-1)!;
    assert.equal(error['state'], 'error');
    socket.socket.close();
  });

  it('ends a silent model with MODEL_TIMEOUT after timeoutSeconds', async () => {
    model.setScript([{ kind: 'hang' }]);
    const socket = await openAuthenticatedSocket(gateway.url, gateway.token!, WRITE);
    const final = await runAgent(socket, 'f3', 'hi', 'timeout');
    assert.equal(final['status'], 'error');
    assert.equal(final['result'].meta.error.code, 'MODEL_TIMEOUT');
    assert.equal(chatEvents(socket, 'timeout').at(-1)!['errorKind'], 'timeout');
    socket.socket.close();
  });

  it('turns a node disconnecting mid-tool into a readable tool error and finishes the run', async () => {
    model.setScript([{ kind: 'toolCall', id: 'call_9', name: 'exec', args: { command: 'sleep 30' } }, (req) => ({ kind: 'text', chunks: [`tool said: ${lastToolResultText(req)}`] })]);
    const socket = await openAuthenticatedSocket(gateway.url, gateway.token!, WRITE);
    socket.send({ type: 'req', id: 'f4', method: 'agent', params: { message: 'sleep', idempotencyKey: 'node-gone', sessionKey: 'node-gone' } });
    await socket.waitFor((f) => f['event'] === 'agent' && (f['payload'] as any).stream === 'item');
    await new Promise((resolve) => setTimeout(resolve, 200)); // let system.run reach the node
    node.host.stop();
    const final = await socket.waitFor((f) => f['id'] === 'f4' && (f['payload'] as { status?: string })?.status !== 'accepted', 20_000);
    assert.equal((final['payload'] as any).status, 'ok');
    assert.match((final['payload'] as any).result.payloads[0].text, /tool said: exec failed: node not connected/);
    socket.socket.close();
  });

  it('a gateway restart mid-turn ends the run and leaves it interrupted, with the user message kept', async () => {
    model.setScript([{ kind: 'hang', chunks: ['half a'] }]);
    const socket = await openAuthenticatedSocket(gateway.url, gateway.token!, WRITE);
    socket.send({ type: 'req', id: 'f5', method: 'agent', params: { message: 'long one', idempotencyKey: 'restarted', sessionKey: 'restart' } });
    await socket.waitFor((f) => f['event'] === 'chat' && (f['payload'] as any).state === 'delta');
    const config = { ...fakeModelConfig(model.baseUrl) };
    await gateway.stop();
    gateway = await startTestGateway({ stateDir, features: [createAgentFeature()], config });
    const again = await openAuthenticatedSocket(gateway.url, gateway.token!, WRITE);
    const wait = (await call(again, 'agent.wait', { runId: 'restarted', timeoutMs: 0 }))['payload'];
    assert.equal(wait.status, 'error');
    assert.match(wait.error, /interrupted by a gateway restart/);
    const history = (await call(again, 'chat.history', { sessionKey: 'restart' }))['payload'];
    assert.equal(history.messages[0].content, 'long one');
    again.socket.close();
  });
});
