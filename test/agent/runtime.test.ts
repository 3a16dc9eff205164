/** AgentRuntime end to end in-process: real SQLite, a FAKE OpenAI-compatible model server over real HTTP, scripted node port. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NO_MODEL_REPLY } from '../../src/agent/commands.js';
import { GatewayError } from '../../src/protocol/index.js';
import { lastToolResultText, startFakeOpenAiServer, type FakeModelServer } from '../helpers/fake-model.js';
import { createTestRuntime, modelConfig } from '../helpers/agent-runtime.js';

const servers: FakeModelServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function fake(...script: Parameters<typeof startFakeOpenAiServer>[0]): Promise<FakeModelServer> {
  const server = await startFakeOpenAiServer(script);
  servers.push(server);
  return server;
}

describe('AgentRuntime', () => {
  it('streams a reply with the captured event order and contiguous per-run seq, and stores the turn', async () => {
    const server = await fake({ kind: 'text', chunks: ['Hello', ' from', ' test-model.'] });
    const { runtime, sink, store } = createTestRuntime(modelConfig(server.baseUrl));
    const handle = runtime.submit({ message: 'Say hello', idempotencyKey: 'run-agent-1', sessionKey: 'main' });
    assert.equal(handle.sessionKey, 'agent:main:main');
    const outcome = await handle.done;
    assert.equal(outcome.status, 'ok');
    assert.equal(outcome.text, 'Hello from test-model.');
    const agentEvents = sink.of('agent', 'run-agent-1');
    assert.deepEqual(agentEvents.map((e) => e['seq']), agentEvents.map((_e, i) => i + 1));
    const phases = agentEvents.map((e) => `${String(e['stream'])}:${String((e['data'] as { phase?: string }).phase ?? '')}`);
    assert.deepEqual(phases, ['lifecycle:start', 'lifecycle:model', 'assistant:', 'assistant:', 'assistant:', 'usage:', 'lifecycle:finishing', 'lifecycle:model', 'lifecycle:end']);
    const chats = sink.of('chat', 'run-agent-1');
    assert.deepEqual(chats.map((c) => c['state']), ['delta', 'delta', 'delta', 'final']);
    assert.deepEqual(chats.map((c) => c['deltaText']).slice(0, 3), ['Hello', ' from', ' test-model.']);
    assert.equal(chats.at(-1)?.['seq'], agentEvents.at(-1)?.['seq']);
    const messages = store.messages(handle.sessionId).map((m) => m.message);
    assert.deepEqual(messages.map((m) => m.role), ['user', 'assistant']);
    assert.equal(store.getRun('run-agent-1')?.status, 'ok');
  });

  it('returns the same run for a duplicate idempotencyKey', async () => {
    const server = await fake({ kind: 'text', chunks: ['once'] });
    const { runtime } = createTestRuntime(modelConfig(server.baseUrl));
    const first = runtime.submit({ message: 'hi', idempotencyKey: 'k1' });
    const second = runtime.submit({ message: 'hi', idempotencyKey: 'k1' });
    assert.equal(second.isDuplicate, true);
    await first.done;
    const third = runtime.submit({ message: 'hi', idempotencyKey: 'k1' });
    assert.equal(third.isDuplicate, true);
    assert.equal((await third.done).text, 'once');
    assert.equal(server.requests.length, 1);
  });

  it('queues a second message of the same session behind the first', async () => {
    const server = await fake({ kind: 'text', chunks: ['a', 'b'], chunkDelayMs: 20 });
    const { runtime, sink } = createTestRuntime(modelConfig(server.baseUrl));
    const first = runtime.submit({ message: 'one', idempotencyKey: 'q1' });
    const second = runtime.submit({ message: 'two', idempotencyKey: 'q2' });
    assert.equal(second.isQueued, true);
    assert.equal(await runtime.wait('q2', 0), 'pending');
    await Promise.all([first.done, second.done]);
    const starts = sink.events.filter((e) => e.event === 'agent' && (e.payload['data'] as { phase?: string }).phase === 'start').map((e) => e.payload['runId']);
    assert.deepEqual(starts, ['q1', 'q2']);
    assert.ok(sink.of('agent', 'q2').some((e) => e['stream'] === 'run_status' && (e['data'] as { phase: string }).phase === 'queued'));
  });

  it('answers plain messages with the no-model reply and runs built-in commands when no model is configured', async () => {
    const { runtime, nodes } = createTestRuntime({});
    assert.equal((await runtime.submit({ message: 'hello', idempotencyKey: 'n1' }).done).text, NO_MODEL_REPLY);
    assert.match((await runtime.submit({ message: '/help', idempotencyKey: 'n2' }).done).text, /\/run <node>/);
    const run = await runtime.submit({ message: '/run box uname -a', idempotencyKey: 'n3' }).done;
    assert.equal(run.status, 'ok');
    assert.match(run.text, /ran \["uname","-a"\]/);
    assert.deepEqual((nodes.invokes[0]?.params as { command: string[] }).command, ['uname', '-a']);
  });

  it('refuses /run and exec when tools.exec.mode is deny', async () => {
    const { runtime, nodes } = createTestRuntime({ tools: { exec: { mode: 'deny' } } });
    const run = await runtime.submit({ message: '/run box uname -a', idempotencyKey: 'deny-1' }).done;
    assert.match(run.text, /exec denied: tools\.exec\.mode is "deny"/);
    assert.equal(nodes.invokes.length, 0);
  });

  it('runs the model\'s exec call on the node and feeds the output back (tools.exec.mode full)', async () => {
    const server = await fake({ kind: 'toolCall', id: 'call_1', name: 'exec', args: { command: 'uname -a', host: 'node' } }, (req) => ({ kind: 'text', chunks: [`Output: ${lastToolResultText(req)}`] }));
    const { runtime, nodes, sink } = createTestRuntime({ ...modelConfig(server.baseUrl), tools: { exec: { mode: 'full' } } });
    const outcome = await runtime.submit({ message: 'what system?', idempotencyKey: 'e1', toolEventsConnId: 'conn-1' }).done;
    assert.equal(outcome.status, 'ok');
    assert.match(outcome.text, /ran \["uname","-a"\]/);
    assert.equal(nodes.invokes[0]?.command, 'system.run');
    const toolEvents = sink.events.filter((e) => e.event === 'agent' && e.payload['stream'] === 'tool');
    assert.ok(toolEvents.length === 2 && toolEvents.every((e) => e.connId === 'conn-1'));
  });

  it('with mode ask runs nothing until an approval, and refuses a replayed approval', async () => {
    const server = await fake({ kind: 'toolCall', id: 'call_1', name: 'exec', args: { command: 'uname -a', host: 'node' } }, (req) => ({ kind: 'text', chunks: [lastToolResultText(req)] }));
    const { runtime, nodes, sink } = createTestRuntime({ ...modelConfig(server.baseUrl), tools: { exec: { mode: 'ask' } } });
    sink.isApprovalClientConnected = true;
    const handle = runtime.submit({ message: 'run it', idempotencyKey: 'a1' });
    const requested = await sink.next((e) => e.event === 'exec.approval.requested');
    assert.equal(nodes.invokes.length, 0);
    const id = String(requested.payload['id']);
    assert.deepEqual((requested.payload['request'] as { systemRunBinding: unknown }).systemRunBinding, { argv: ['uname', '-a'], cwd: null, agentId: 'main', sessionKey: 'agent:main:main' });
    assert.deepEqual((requested.payload['request'] as { allowedDecisions: unknown }).allowedDecisions, ['allow-once', 'allow-always', 'deny']);
    assert.deepEqual(runtime.approvals.list().map((record) => record.id), [id]);
    runtime.approvals.resolve(id, 'allow-once', 'test');
    assert.throws(() => runtime.approvals.resolve(id, 'allow-once', 'test'), (error: unknown) => error instanceof GatewayError && error.code === 'EXEC_APPROVAL_NOT_FOUND');
    const outcome = await handle.done;
    assert.equal(outcome.status, 'ok');
    // The approval travels beside the params (the core turns it into approved:true), never inside them.
    assert.deepEqual(nodes.invokes[0]?.approval, { id, decision: 'allow-once' });
    assert.equal((nodes.invokes[0]?.params as { approved?: boolean }).approved, undefined);
  });

  it('allow-always stores a rule for the exact plan; the same exec then runs unasked, another argv or cwd still asks', async () => {
    const exec = (id: string, args: Record<string, unknown>) => [{ kind: 'toolCall' as const, id, name: 'exec', args }, (req: Parameters<typeof lastToolResultText>[0]) => ({ kind: 'text' as const, chunks: [lastToolResultText(req)] })];
    const server = await fake(...exec('c1', { command: 'uname -a' }));
    const { runtime, nodes, sink, store } = createTestRuntime({ ...modelConfig(server.baseUrl), tools: { exec: { mode: 'ask' } } });
    sink.isApprovalClientConnected = true;
    const first = runtime.submit({ message: 'run it', idempotencyKey: 'aa1' });
    const requested = await sink.next((e) => e.event === 'exec.approval.requested');
    const id = String(requested.payload['id']);
    assert.deepEqual(runtime.approvals.resolve(id, 'allow-always', 'device-1'), { ruleId: store.rules.list()[0]!.id });
    assert.equal((await first.done).status, 'ok');
    const [rule] = store.rules.list();
    assert.deepEqual({ ...rule!, id: 'x', createdAtMs: 0 }, { id: 'x', agentId: 'main', nodeId: 'node-1', argv: ['uname', '-a'], cwd: null, commandText: 'uname -a', approvalId: id, resolvedBy: 'device-1', createdAtMs: 0, expiresAtMs: null, lastUsedAtMs: null, useCount: 0 });
    assert.deepEqual(nodes.invokes[0]?.approval, { id, decision: 'allow-always' });
    const resolved = sink.events.find((e) => e.event === 'exec.approval.resolved')!;
    assert.deepEqual([resolved.payload['decision'], resolved.payload['ruleId']], ['allow-always', rule!.id]);

    server.setScript(exec('c2', { command: 'uname -a' }));
    // A covered run needs no approval route: it runs headless too.
    sink.isApprovalClientConnected = false;
    assert.equal((await runtime.submit({ message: 'again', idempotencyKey: 'aa2' }).done).status, 'ok');
    sink.isApprovalClientConnected = true;
    assert.equal(sink.events.filter((e) => e.event === 'exec.approval.requested').length, 1, 'the covered run asked nobody');
    assert.deepEqual(nodes.invokes[1]?.approval, { id: rule!.id, decision: 'allow-always' }, 'the run carries the approval the rule stands for');
    assert.equal(store.rules.get(rule!.id)?.useCount, 1);

    for (const [key, args] of [['aa3', { command: 'uname -r' }], ['aa4', { command: 'uname -a', cwd: '/tmp' }]] as const) {
      server.setScript(exec(`c-${key}`, args));
      const seen = sink.events.length;
      const handle = runtime.submit({ message: 'other', idempotencyKey: key });
      const asked = await sink.next((e) => e.event === 'exec.approval.requested' && sink.events.indexOf(e) >= seen);
      runtime.approvals.resolve(String(asked.payload['id']), 'deny', 'device-1');
      assert.match((await handle.done).text, /exec denied/);
    }
    assert.equal(nodes.invokes.length, 2);
  });

  it('offers no allow-always when the node itself asks always, refuses it with a code, and a rule does not skip that ask', async () => {
    const server = await fake({ kind: 'toolCall', id: 'call_1', name: 'exec', args: { command: 'uname -a' } }, (req) => ({ kind: 'text', chunks: [lastToolResultText(req)] }));
    const { runtime, nodes, sink, store } = createTestRuntime({ ...modelConfig(server.baseUrl), tools: { exec: { mode: 'ask' } } });
    nodes.nodes = [{ nodeId: 'node-1', displayName: 'box', connected: true, commands: ['system.run', 'system.run.prepare'] }];
    const run = nodes.answer;
    nodes.answer = async (request, signal) => (request.command === 'system.run.prepare' ? { plan: { argv: ['uname', '-a'], cwd: null, commandText: 'uname -a' }, execPolicy: { security: 'allowlist', ask: 'always' } } : run(request, signal));
    store.rules.add({ agentId: 'main', nodeId: 'node-1', argv: ['uname', '-a'], cwd: null }, { commandText: 'uname -a', approvalId: 'old', resolvedBy: 'test', nowMs: 1 });
    sink.isApprovalClientConnected = true;
    const handle = runtime.submit({ message: 'run it', idempotencyKey: 'ask-always' });
    const requested = await sink.next((e) => e.event === 'exec.approval.requested');
    const request = requested.payload['request'] as { allowedDecisions: unknown; ask: unknown };
    assert.deepEqual([request.allowedDecisions, request.ask], [['allow-once', 'deny'], 'always']);
    const id = String(requested.payload['id']);
    assert.throws(() => runtime.approvals.resolve(id, 'allow-always', 'test'), (error: unknown) => error instanceof GatewayError && error.code === 'EXEC_APPROVAL_DECISION_UNSUPPORTED' && /still pending/.test(error.message));
    assert.deepEqual(runtime.approvals.list().map((record) => record.id), [id], 'still pending');
    runtime.approvals.resolve(id, 'allow-once', 'test');
    assert.equal((await handle.done).status, 'ok');
    assert.deepEqual(nodes.invokes.at(-1)?.approval, { id, decision: 'allow-once' });
    assert.equal(store.rules.list().length, 1);
  });

  it('never lets a rule run anything under tools.exec.mode deny', async () => {
    const server = await fake({ kind: 'toolCall', id: 'call_1', name: 'exec', args: { command: 'uname -a' } }, (req) => ({ kind: 'text', chunks: [lastToolResultText(req)] }));
    const { runtime, nodes, store } = createTestRuntime({ ...modelConfig(server.baseUrl), tools: { exec: { mode: 'deny' } } });
    store.rules.add({ agentId: 'main', nodeId: 'node-1', argv: ['uname', '-a'], cwd: null }, { commandText: 'uname -a', approvalId: 'old', resolvedBy: 'test', nowMs: 1 });
    const outcome = await runtime.submit({ message: 'run it', idempotencyKey: 'deny-rule' }).done;
    assert.match(outcome.text, /exec denied: tools.exec.mode is "deny"/);
    assert.equal(nodes.invokes.length, 0);
  });

  it('denies exec with the reason when no approval client is connected', async () => {
    const server = await fake({ kind: 'toolCall', id: 'call_1', name: 'exec', args: { command: 'uname -a' } }, (req) => ({ kind: 'text', chunks: [lastToolResultText(req)] }));
    const { runtime, nodes } = createTestRuntime({ ...modelConfig(server.baseUrl), tools: { exec: { mode: 'ask' } } });
    const outcome = await runtime.submit({ message: 'run it', idempotencyKey: 'd1' }).done;
    assert.equal(nodes.invokes.length, 0);
    assert.match(outcome.text, /exec denied: Headless runs cannot wait for interactive exec approval/);
  });

  it('ends an aborted stream with status timeout, summary aborted, a chat aborted event and the partial text kept', async () => {
    const server = await fake({ kind: 'hang', chunks: ['partial'] });
    const { runtime, sink, store } = createTestRuntime(modelConfig(server.baseUrl));
    const handle = runtime.submit({ message: 'go', idempotencyKey: 'ab1' });
    await sink.next((e) => e.event === 'chat' && e.payload['state'] === 'delta');
    assert.deepEqual(runtime.abort('main'), ['ab1']);
    const outcome = await handle.done;
    assert.deepEqual([outcome.status, outcome.summary, outcome.stopReason], ['timeout', 'aborted', 'rpc']);
    const aborted = sink.of('chat', 'ab1').at(-1)!;
    assert.equal(aborted['state'], 'aborted');
    assert.equal(aborted['stopReason'], 'rpc');
    assert.equal(store.messages(handle.sessionId).at(-1)?.message.role, 'assistant');
    assert.equal(store.getRun('ab1')?.status, 'aborted');
  });

  it('aborts a pending node invoke', async () => {
    const server = await fake({ kind: 'toolCall', id: 'call_1', name: 'exec', args: { command: 'sleep 100' } });
    const { runtime, nodes, sink } = createTestRuntime({ ...modelConfig(server.baseUrl), tools: { exec: { mode: 'full' } } });
    let sawAbort = false;
    nodes.answer = (_request, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => {
      sawAbort = true;
      reject(new Error('aborted'));
    }));
    const handle = runtime.submit({ message: 'go', idempotencyKey: 'ab2' });
    await sink.next((e) => e.event === 'agent' && e.payload['stream'] === 'item');
    runtime.abort('main', 'ab2');
    assert.equal((await handle.done).summary, 'aborted');
    assert.equal(sawAbort, true);
  });

  it('ends a 401 with status error and a chat error naming provider, model and fix', async () => {
    const server = await fake({ kind: 'error', status: 401 });
    const { runtime, sink } = createTestRuntime(modelConfig(server.baseUrl));
    const outcome = await runtime.submit({ message: 'hi', idempotencyKey: 'x1' }).done;
    assert.equal(outcome.status, 'error');
    assert.equal(outcome.error?.code, 'MODEL_AUTH_FAILED');
    const error = sink.of('chat', 'x1').at(-1)!;
    assert.equal(error['state'], 'error');
    assert.match(String(error['errorMessage']), /local\/test-model.*apiKey/);
    assert.deepEqual(error['errorDetail'], { provider: 'local', model: 'test-model', httpStatus: 401 });
  });

  it('falls back to the next model when the primary fails', async () => {
    const bad = await fake({ kind: 'error', status: 404 });
    const good = await fake({ kind: 'text', chunks: ['from fallback'] });
    const config = {
      models: { providers: { a: { baseUrl: bad.baseUrl, models: [{ id: 'm', name: 'm' }] }, b: { baseUrl: good.baseUrl, models: [{ id: 'm', name: 'm' }] } } },
      agents: { defaults: { model: { primary: 'a/m', fallbacks: ['b/m'] } } },
    };
    const outcome = await createTestRuntime(config).runtime.submit({ message: 'hi', idempotencyKey: 'f1' }).done;
    assert.deepEqual([outcome.status, outcome.text, outcome.provider], ['ok', 'from fallback', 'b']);
  });

  it('marks runs a crash left running as interrupted, and agent.wait reports it', async () => {
    const { runtime, store, db } = createTestRuntime({});
    const session = store.ensureSession('agent:main:main', 'main', 1);
    store.insertRun({ runId: 'crashed', sessionKey: session.sessionKey, sessionId: session.sessionId, createdAtMs: 1 });
    store.startRun('crashed', 2);
    const restarted = createTestRuntime({}, { db });
    assert.deepEqual(restarted.runtime.recoverInterrupted(), ['crashed']);
    const outcome = await restarted.runtime.wait('crashed', 0);
    assert.ok(outcome !== undefined && outcome !== 'pending');
    assert.equal(outcome.error?.code, 'RUN_INTERRUPTED');
    assert.equal(await runtime.wait('unknown-run', 0), undefined);
  });
});
