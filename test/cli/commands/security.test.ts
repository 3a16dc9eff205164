/** `clawgate security audit`: output, JSON, exit codes, and the --deep probe against real gateways. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { runCli } from '../../../src/cli/main.js';
import { startTestGateway, createTempStateDir, type TestGateway } from '../../helpers/gateway.js';

const tempDirs: string[] = [];
after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function tempStateDir(): string {
  const dir = createTempStateDir();
  tempDirs.push(dir);
  return dir;
}

async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env });
  return { code, stdout, stderr };
}

describe('clawgate security audit', () => {
  it('prints each finding with severity and fix, and exits 1 on a critical one', async () => {
    const stateDir = tempStateDir();
    writeFileSync(`${stateDir}/clawgate.json`, JSON.stringify({ gateway: { auth: { mode: 'none' } } }), { mode: 0o600 });
    const run = await cli(['security', 'audit'], { CLAWGATE_STATE_DIR: stateDir });
    assert.equal(run.code, 1);
    assert.match(run.stdout, /^CRITICAL gateway\.loopback_no_auth: Gateway auth is off$/m);
    assert.match(run.stdout, /^ {9}Fix: Remove gateway\.auth\.mode "none"/m);
    assert.match(run.stdout, /^Summary: 1 critical · 0 warn · 0 info$/m);
    assert.equal(run.stderr, '', 'the report is the whole output');
  });

  it('exits 0 on the safe default and prints JSON with --json', async () => {
    const stateDir = tempStateDir();
    const run = await cli(['security', 'audit', '--json'], { CLAWGATE_STATE_DIR: stateDir });
    assert.equal(run.code, 0, run.stdout);
    const report = JSON.parse(run.stdout) as { ok: boolean; summary: Record<string, number>; findings: unknown[] };
    assert.equal(report.ok, true);
    assert.deepEqual(report.summary, { critical: 0, warn: 0, info: 0 });
  });
});

describe('clawgate security audit --deep', () => {
  let safe: TestGateway;
  let unsafe: TestGateway;
  before(async () => {
    safe = await startTestGateway();
    // Deliberately broken: no auth and every origin allowed.
    unsafe = await startTestGateway({ flags: { auth: 'none' }, config: { gateway: { controlUi: { allowedOrigins: ['*'] } } } });
  });
  after(async () => {
    await safe.stop();
    await unsafe.stop();
  });

  it('confirms a hardened gateway refuses a foreign origin, DNS rebinding and an anonymous connect', async () => {
    const run = await cli(['security', 'audit', '--deep', '--json', '--port', String(safe.server.port)], { CLAWGATE_STATE_DIR: safe.paths.stateDir });
    assert.equal(run.code, 0, run.stdout);
    const report = JSON.parse(run.stdout) as { deep: { probes: { name: string; isOk: boolean; detail: string }[] } };
    assert.deepEqual(
      report.deep.probes.map((p) => [p.name, p.isOk]),
      [
        ['gateway reachable', true],
        ['cross-origin WebSocket refused', true],
        ['DNS-rebinding Host refused', true],
        ['connect without credential refused', true],
      ],
    );
    assert.match(report.deep.probes[1]!.detail, /HTTP 403 CONTROL_UI_ORIGIN_NOT_ALLOWED/);
    assert.match(report.deep.probes[2]!.detail, /HTTP 403 CONTROL_UI_HOST_NOT_ALLOWED/);
    assert.match(report.deep.probes[3]!.detail, /AUTH_TOKEN_MISSING/);
    const text = await cli(['security', 'audit', '--deep', '--port', String(safe.server.port)], { CLAWGATE_STATE_DIR: safe.paths.stateDir });
    assert.match(text.stdout, /ok {3}connect without credential refused \(AUTH_TOKEN_MISSING\)\n/);
    assert.ok(!text.stdout.includes('refused (refused'), 'no doubled wording');
  });

  it('reports what got through on an unsafe gateway, as critical findings', async () => {
    const run = await cli(['security', 'audit', '--deep', '--url', unsafe.url], { CLAWGATE_STATE_DIR: unsafe.paths.stateDir });
    assert.equal(run.code, 1);
    for (const checkId of ['gateway.probe.cross_origin_accepted', 'gateway.probe.dns_rebinding', 'gateway.probe.unauthenticated_connect']) {
      assert.match(run.stdout, new RegExp(`^CRITICAL ${checkId.replaceAll('.', '\\.')}: `, 'm'));
    }
    assert.match(run.stdout, /^ {2}FAIL cross-origin WebSocket refused \(HTTP 101\)$/m);
  });

  it('says the probe failed (a warning) when nothing listens', async () => {
    const stateDir = tempStateDir();
    const run = await cli(['security', 'audit', '--deep', '--port', '1'], { CLAWGATE_STATE_DIR: stateDir });
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^WARN {5}gateway\.probe_failed: The gateway could not be probed$/m);
  });
});
