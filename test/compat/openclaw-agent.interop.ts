/**
 * Interop (run by `npm run interop`, not the default suite): the real OpenClaw 2026.9.6 against
 * Clawgate's agent feature, with a FAKE OpenAI-compatible model server (scripted SSE on loopback).
 *
 * 1. `openclaw agent --message …`, configured with the seed's remote defaults (`gateway.mode:
 *    "remote"`, `gateway.remote.{url, token}`), gets its reply through Clawgate.
 * 2. A turn where the model calls `exec` runs `uname -a` on a real `openclaw node run` connected to
 *    Clawgate (system.run.prepare, then system.run with the plan) and the reply carries its output.
 * 3. With `tools.exec.mode: "ask"`, an allow-always decision runs it on the OpenClaw node, and the
 *    next identical command runs there without asking (the rule's approval is what the node gets).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAgentFeature } from '../../src/agent/feature.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { fakeModelConfig, lastToolResultText, startFakeOpenAiServer, type FakeModelServer } from '../helpers/fake-model.js';
import { call } from '../helpers/node-socket.js';
import { openAuthenticatedSocket, type RawSocket } from '../helpers/raw-socket.js';
import { createIsolatedEnv, findOpenClawInstall, runOpenClaw, spawnDaemon, type IsolatedEnv, type OpenClawInstall, type RunningProcess } from '../helpers/openclaw.js';

describe('interop: real OpenClaw against the Clawgate agent (fake model)', { timeout: 300_000 }, () => {
  let model: FakeModelServer;
  let gateway: TestGateway;
  let install: OpenClawInstall;
  const homes: IsolatedEnv[] = [];
  let node: RunningProcess | undefined;
  const isolated = (extra: NodeJS.ProcessEnv = {}): IsolatedEnv => {
    const created = createIsolatedEnv(install, extra);
    homes.push(created);
    return created;
  };
  before(async () => {
    install = findOpenClawInstall();
    model = await startFakeOpenAiServer([{ kind: 'text', chunks: ['Hello', ' from', ' test-model.'] }]);
    gateway = await startTestGateway({
      features: [createAgentFeature()],
      config: {
        models: { providers: { local: { baseUrl: model.baseUrl, api: 'openai-completions', apiKey: 'test-key', models: [{ id: 'test-model', name: 'test-model' }] } } },
        agents: { defaults: { model: { primary: 'local/test-model' } } },
        tools: { exec: { mode: 'full' } },
      },
    });
  });
  after(async () => {
    await node?.stop();
    await gateway.stop();
    await model.close();
    for (const home of homes) home.remove();
  });

  it('`openclaw agent --message` with gateway.mode remote gets the reply through Clawgate', async () => {
    const { env } = isolated();
    mkdirSync(env['OPENCLAW_STATE_DIR']!, { recursive: true });
    writeFileSync(join(env['OPENCLAW_STATE_DIR']!, 'openclaw.json'), JSON.stringify({ gateway: { mode: 'remote', remote: { url: gateway.url, token: gateway.token } } }));
    const result = await runOpenClaw(install, ['agent', '--message', 'Say hello', '--agent', 'main'], env, 120_000);
    assert.equal(result.code, 0, `stdout: ${result.stdout}\nstderr: ${result.stderr}`);
    assert.match(result.stdout, /Hello from test-model\./);
  });

  it('runs `uname -a` on a real `openclaw node run` through exec and the reply carries its output', async () => {
    node = spawnDaemon(install.openclawBin, ['node', 'run', '--host', '127.0.0.1', '--port', String(gateway.server.port), '--no-tls', '--display-name', 'oc-box'], isolated({ OPENCLAW_GATEWAY_TOKEN: gateway.token! }).env);
    const admin = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.admin']);
    let requestId: string | undefined;
    const deadline = Date.now() + 90_000;
    while (requestId === undefined && Date.now() < deadline) {
      const pending = (await call(admin, 'node.pair.list', {}))['payload'].pending as { requestId: string; displayName?: string }[];
      requestId = pending.find((p) => p.displayName === 'oc-box')?.requestId;
      if (requestId === undefined) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    assert.ok(requestId !== undefined, 'the OpenClaw node asked for approval');
    assert.equal((await call(admin, 'node.pair.approve', { requestId }))['ok'], true);
    model.setScript([{ kind: 'toolCall', id: 'call_1', name: 'exec', args: { command: 'uname -a', host: 'node' } }, (req) => ({ kind: 'text', chunks: [`The node says: ${lastToolResultText(req)}`] })]);
    admin.send({ type: 'req', id: 'x1', method: 'agent', params: { message: 'what system?', idempotencyKey: 'oc-exec-1', sessionKey: 'oc' } });
    const final = await admin.waitFor((f) => f['id'] === 'x1' && (f['payload'] as { status?: string })?.status !== 'accepted', 60_000);
    const text = (final['payload'] as { result: { payloads: { text: string }[] } }).result.payloads[0]?.text ?? '';
    assert.match(text, /The node says: Node: oc-box\n.*Linux/s);
    admin.socket.close();
  });
});

describe('interop: "Always allow" with a real `openclaw node run` (fake model, tools.exec.mode ask)', { timeout: 300_000 }, () => {
  let model: FakeModelServer;
  let gateway: TestGateway;
  let install: OpenClawInstall;
  let home: IsolatedEnv;
  let node: RunningProcess;
  let admin: RawSocket;
  before(async () => {
    install = findOpenClawInstall();
    model = await startFakeOpenAiServer([{ kind: 'text', chunks: ['idle'] }]);
    gateway = await startTestGateway({ features: [createAgentFeature()], config: fakeModelConfig(model.baseUrl, { exec: { mode: 'ask' } }) });
    home = createIsolatedEnv(install, { OPENCLAW_GATEWAY_TOKEN: gateway.token! });
    node = spawnDaemon(install.openclawBin, ['node', 'run', '--host', '127.0.0.1', '--port', String(gateway.server.port), '--no-tls', '--display-name', 'oc-ask'], home.env);
    admin = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.admin', 'operator.approvals', 'operator.write', 'operator.read']);
    let requestId: string | undefined;
    const deadline = Date.now() + 90_000;
    while (requestId === undefined && Date.now() < deadline) {
      const pending = (await call(admin, 'node.pair.list', {}))['payload'].pending as { requestId: string; displayName?: string }[];
      requestId = pending.find((p) => p.displayName === 'oc-ask')?.requestId;
      if (requestId === undefined) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    assert.ok(requestId !== undefined, `the OpenClaw node asked for approval (${node.output().slice(-300)})`);
    assert.equal((await call(admin, 'node.pair.approve', { requestId }))['ok'], true);
  });
  after(async () => {
    admin?.socket.terminate();
    await node?.stop();
    await gateway?.stop();
    await model?.close();
    home?.remove();
  });

  async function turn(key: string): Promise<string> {
    model.setScript([{ kind: 'toolCall', id: `call_${key}`, name: 'exec', args: { command: 'uname -a', host: 'node' } }, (req) => ({ kind: 'text', chunks: [`The node says: ${lastToolResultText(req)}`] })]);
    admin.send({ type: 'req', id: key, method: 'agent', params: { message: 'what system?', idempotencyKey: key, sessionKey: 'oc-ask' } });
    const final = await admin.waitFor((f) => f['id'] === key && (f['payload'] as { status?: string })?.status !== 'accepted', 60_000);
    return (final['payload'] as { result: { payloads: { text: string }[] } }).result.payloads[0]?.text ?? '';
  }

  it('asks once, runs on the OpenClaw node after allow-always, and runs the same command again without asking', async () => {
    const first = turn('oc-always-1');
    const requested = await admin.waitFor((f) => f['event'] === 'exec.approval.requested', 60_000);
    const id = (requested['payload'] as { id: string }).id;
    assert.equal((await call(admin, 'exec.approval.resolve', { id, decision: 'allow-always' }))['ok'], true);
    assert.match(await first, /The node says: Node: oc-ask\n.*Linux/s);

    const seen = admin.frames.length;
    // The rule covers it: the OpenClaw node gets approved:true with approvalDecision allow-always.
    assert.match(await turn('oc-always-2'), /The node says: Node: oc-ask\n.*Linux/s);
    assert.equal(admin.frames.slice(seen).filter((f) => f['event'] === 'exec.approval.requested').length, 0, 'no second approval request');
  });
});
