/** CLI commands against a real gateway: output, JSON, exit codes and the --url credential rule. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createTempStateDir, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { runCliInProcess } from '../helpers/cli.js';

describe('clawgate CLI', () => {
  let gateway: TestGateway;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    gateway = await startTestGateway();
    // The CLI's own state dir holds a config pointing at the test gateway's port and token.
    const cliState = createTempStateDir();
    writeFileSync(`${cliState}/clawgate.json`, JSON.stringify({ gateway: { port: gateway.server.port, auth: { token: gateway.token } } }));
    env = { CLAWGATE_STATE_DIR: cliState, PATH: process.env['PATH'] };
  });
  after(async () => {
    await gateway.stop();
  });

  it('health prints "Gateway Health" and OK, exit 0', async () => {
    const result = await runCliInProcess(['health'], env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Gateway Health\nOK \(\d+ms\)/);
  });

  it('gateway health --json prints the health snapshot', async () => {
    const result = await runCliInProcess(['gateway', 'health', '--json'], env);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).ok, true);
  });

  it('gateway call status --json prints the raw payload', async () => {
    const result = await runCliInProcess(['gateway', 'call', 'status', '--json'], env);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).gateway.port, gateway.server.port);
  });

  it('gateway call with --params passes params and reports a gateway error with exit 1', async () => {
    const result = await runCliInProcess(['gateway', 'call', 'health', '--params', '{"nope":1}'], env);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /invalid health params: at root: unexpected property 'nope' \[INVALID_PARAMS\]/);
  });

  it('gateway call rejects --params that is not JSON with exit 2', async () => {
    const result = await runCliInProcess(['gateway', 'call', 'health', '--params', '{oops'], env);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--params is not valid JSON/);
  });

  it('--url without --token or --password fails before connecting, exit 2', async () => {
    const result = await runCliInProcess(['gateway', 'health', '--url', gateway.url], { ...env, OPENCLAW_GATEWAY_TOKEN: gateway.token });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /gateway url override requires explicit credentials/);
    assert.ok(!gateway.logLines.some((line) => line.includes('"client connected"') && line.includes('after-url-check')));
  });

  it('--url with --token works', async () => {
    const result = await runCliInProcess(['gateway', 'health', '--url', gateway.url, '--token', gateway.token!], { PATH: process.env['PATH'], CLAWGATE_STATE_DIR: createTempStateDir() });
    assert.equal(result.code, 0, result.stderr);
  });

  it('a wrong token exits 4 with the detail code and a fix, and never echoes the token', async () => {
    const result = await runCliInProcess(['gateway', 'health', '--url', gateway.url, '--token', 'not-the-token-123'], env);
    assert.equal(result.code, 4);
    assert.match(result.stderr, /\[AUTH_TOKEN_MISMATCH\]/);
    assert.match(result.stderr, /Fix: /);
    assert.ok(!result.stderr.includes('not-the-token-123'));
  });

  it('an unreachable gateway exits 3 with a fix naming `clawgate gateway run`', async () => {
    const result = await runCliInProcess(['health', '--port', '1'], env);
    assert.equal(result.code, 3);
    assert.match(result.stderr, /ECONNREFUSED/);
    assert.match(result.stderr, /clawgate gateway run/);
  });

  it('status --deep reports every layer ok', async () => {
    const result = await runCliInProcess(['status', '--deep', '--json'], env);
    assert.equal(result.code, 0, result.stdout);
    const report = JSON.parse(result.stdout);
    assert.equal(report.ok, true);
    assert.deepEqual(report.layers.map((l: { layer: string }) => l.layer), ['config', 'target', 'tcp', 'tls', 'handshake', 'auth', 'rpc']);
  });

  it('status --deep separates "wrong token" (auth layer, exit 4) from "gateway down" (tcp layer, exit 3)', async () => {
    const wrong = await runCliInProcess(['status', '--deep', '--json', '--url', gateway.url, '--token', 'bad-token-000'], env);
    assert.equal(wrong.code, 4);
    const wrongReport = JSON.parse(wrong.stdout);
    assert.deepEqual(wrongReport.layers.filter((l: { status: string }) => l.status === 'fail').map((l: { layer: string }) => l.layer), ['auth']);
    assert.equal(wrongReport.layers.find((l: { layer: string }) => l.layer === 'tcp').status, 'ok');

    const down = await runCliInProcess(['status', '--deep', '--json', '--port', '1'], env);
    assert.equal(down.code, 3);
    const downReport = JSON.parse(down.stdout);
    assert.equal(downReport.layers.find((l: { layer: string }) => l.layer === 'tcp').status, 'fail');
    assert.match(downReport.layers.find((l: { layer: string }) => l.layer === 'tcp').fix, /clawgate gateway run/);
  });

  it('gateway status shows bind, addresses and auth mode', async () => {
    const result = await runCliInProcess(['gateway', 'status'], env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Gateway: bind=loopback \(127\.0\.0\.1:\d+/);
    assert.match(result.stdout, /Auth: token/);
  });

  it('gateway probe reports the local target reachable', async () => {
    const result = await runCliInProcess(['gateway', 'probe', '--json'], env);
    assert.equal(result.code, 0, result.stdout);
    const report = JSON.parse(result.stdout);
    assert.equal(report.ok, true);
    assert.equal(report.targets[0].id, 'Local loopback');
  });

  it('a broken config exits 78 naming the key', async () => {
    const state = createTempStateDir();
    writeFileSync(`${state}/clawgate.json`, '{ gateway: { prot: 1 } }');
    const result = await runCliInProcess(['health'], { CLAWGATE_STATE_DIR: state });
    assert.equal(result.code, 78);
    assert.match(result.stderr, /gateway\.prot: unknown key \(did you mean gateway\.port\?\)/);
  });

  it('remote mode without gateway.remote.url exits 78 with the fix', async () => {
    const state = createTempStateDir();
    writeFileSync(`${state}/clawgate.json`, '{ gateway: { mode: "remote" } }');
    const result = await runCliInProcess(['health'], { CLAWGATE_STATE_DIR: state });
    assert.equal(result.code, 78);
    assert.match(result.stderr, /gateway\.remote\.url missing/);
  });

  it('remote mode uses gateway.remote.url and gateway.remote.token by default', async () => {
    const state = createTempStateDir();
    writeFileSync(`${state}/clawgate.json`, JSON.stringify({ gateway: { mode: 'remote', remote: { url: gateway.url, token: gateway.token } } }));
    const result = await runCliInProcess(['health'], { CLAWGATE_STATE_DIR: state });
    assert.equal(result.code, 0, result.stderr);
  });

  it('an unknown command is a usage error (exit 2)', async () => {
    const result = await runCliInProcess(['frobnicate'], env);
    assert.equal(result.code, 2);
  });

  it('gateway auth-token prints the configured token', async () => {
    const result = await runCliInProcess(['gateway', 'auth-token'], env);
    assert.equal(result.stdout.trim(), gateway.token);
  });
});
