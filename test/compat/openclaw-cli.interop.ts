/**
 * Interop (run by `npm run interop`, not the default suite): the real OpenClaw 2026.9.6 CLI (Node 24)
 * against a Clawgate gateway. Each command runs with its own throwaway HOME/state dir.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CLAWGATE_VERSION } from '../../src/protocol/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { createIsolatedEnv, findOpenClawInstall, runOpenClaw, type IsolatedEnv, type OpenClawInstall, type RunResult } from '../helpers/openclaw.js';

function describeRun(result: RunResult): string {
  return `exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
}

describe('openclaw CLI → clawgate gateway', () => {
  let install: OpenClawInstall;
  let isolated: IsolatedEnv;
  let gateway: TestGateway;
  before(async () => {
    install = findOpenClawInstall();
    isolated = createIsolatedEnv(install);
    gateway = await startTestGateway();
  });
  after(async () => {
    await gateway.stop();
    isolated.remove();
  });

  it('`openclaw gateway health --url --token` prints OK and exits 0', async () => {
    const result = await runOpenClaw(install, ['gateway', 'health', '--url', gateway.url, '--token', gateway.token!], isolated.env);
    assert.equal(result.code, 0, describeRun(result));
    assert.match(result.stdout, /Gateway Health\s*\nOK/);
  });

  it('`openclaw gateway health --json` prints our health summary verbatim', async () => {
    const result = await runOpenClaw(install, ['gateway', 'health', '--url', gateway.url, '--token', gateway.token!, '--json'], isolated.env);
    assert.equal(result.code, 0, describeRun(result));
    const health = JSON.parse(result.stdout) as { ok: boolean; eventLoop: { degraded: boolean }; defaultAgentId: string };
    assert.equal(health.ok, true);
    assert.equal(typeof health.eventLoop.degraded, 'boolean');
    assert.equal(health.defaultAgentId, 'main');
  });

  it('`openclaw gateway call status --json` prints our status result', async () => {
    const result = await runOpenClaw(install, ['gateway', 'call', 'status', '--url', gateway.url, '--token', gateway.token!, '--json'], isolated.env);
    assert.equal(result.code, 0, describeRun(result));
    const status = JSON.parse(result.stdout) as { ok: boolean; gateway: { version: string; protocol: number; port: number } };
    assert.equal(status.ok, true);
    assert.equal(status.gateway.version, CLAWGATE_VERSION);
    assert.equal(status.gateway.protocol, 4);
    assert.equal(status.gateway.port, gateway.server.port);
  });

  it('`openclaw health` reaches us through OPENCLAW_GATEWAY_URL/OPENCLAW_GATEWAY_TOKEN', async () => {
    const env = { ...isolated.env, OPENCLAW_GATEWAY_URL: gateway.url, OPENCLAW_GATEWAY_TOKEN: gateway.token! };
    const result = await runOpenClaw(install, ['health'], env);
    assert.equal(result.code, 0, describeRun(result));
    assert.match(result.stdout, /Gateway event loop: (ok|degraded)/);
    assert.doesNotMatch(result.stdout, /degraded for \d{3,}d/, 'degradedSinceMs is a duration, not a timestamp');
    assert.match(result.stdout, /Agents: main \(default\)/);
  });

  it('`openclaw status --deep` in remote mode (gateway.remote.url/token, as the seed configures it) finds us reachable and healthy', async () => {
    const remote = createIsolatedEnv(install);
    try {
      mkdirSync(remote.env['OPENCLAW_STATE_DIR']!, { recursive: true });
      writeFileSync(join(remote.env['OPENCLAW_STATE_DIR']!, 'openclaw.json'), JSON.stringify({ gateway: { mode: 'remote', remote: { url: gateway.url, token: gateway.token } } }));
      const result = await runOpenClaw(install, ['status', '--deep'], remote.env, 90_000);
      assert.equal(result.code, 0, describeRun(result));
      assert.match(result.stdout, /remote · ws:\/\/127\.0\.0\.1:\d+ \(config gateway\.remote\.url\) · reachable/);
      assert.match(result.stdout, /Gateway\s+│ reachable/);
    } finally {
      remote.remove();
    }
  });

  it('`openclaw gateway probe --url --token` connects and its read probe succeeds', async () => {
    const result = await runOpenClaw(install, ['gateway', 'probe', '--url', gateway.url, '--token', gateway.token!], isolated.env, 60_000);
    assert.match(result.stdout, /URL \(explicit\) ws:\/\/127\.0\.0\.1:\d+\n\s+Connect: ok \(\d+ms\) · Capability: read-only · Read probe: ok/, describeRun(result));
  });

  it('a wrong token makes `gateway health`, `gateway call` and `health` fail non-zero with the mismatch message', async () => {
    const health = await runOpenClaw(install, ['gateway', 'health', '--url', gateway.url, '--token', 'wrong-token'], isolated.env);
    assert.notEqual(health.code, 0, describeRun(health));
    assert.match(health.stdout + health.stderr, /gateway token mismatch/);
    const call = await runOpenClaw(install, ['gateway', 'call', 'status', '--url', gateway.url, '--token', 'wrong-token', '--json'], isolated.env);
    assert.notEqual(call.code, 0, describeRun(call));
    assert.match(call.stdout + call.stderr, /gateway token mismatch/);
    const env = { ...isolated.env, OPENCLAW_GATEWAY_URL: gateway.url, OPENCLAW_GATEWAY_TOKEN: 'wrong-token' };
    const viaEnv = await runOpenClaw(install, ['health'], env);
    assert.notEqual(viaEnv.code, 0, describeRun(viaEnv));
    // The gateway logged each refusal without the secret.
    const refusals = gateway.logLines.filter((line) => line.includes('AUTH_TOKEN_MISMATCH'));
    assert.ok(refusals.length >= 3, `refusals logged: ${refusals.length}`);
    assert.ok(!gateway.logLines.some((line) => line.includes('wrong-token') || line.includes(gateway.token!)), 'no token in the log');
  });
});
