/**
 * Interop with the real OpenClaw 2026.9.x node stack (not part of `npm test`; run by `npm run interop`).
 *
 * 1. `openclaw node run` (Node 24) connects to clawgate, shows up in `clawgate nodes pending`, is
 *    approved with `clawgate nodes approve`, and answers `clawgate nodes invoke … system.which`;
 *    the real `openclaw nodes invoke --url --token` works through clawgate too.
 * 2. `clawgate node run` connects to a real `openclaw gateway run`, is approved there with
 *    `openclaw nodes approve`, and answers `openclaw nodes invoke … --command system.which`.
 *
 * Needs OpenClaw installed (test/compat/run-interop.sh installs it under .cache/interop, or
 * CLAWGATE_INTEROP_DIR); fails naming that script when it is absent.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { NodeHost } from '../../src/node-host/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { findFreePort } from '../helpers/ports.js';
import { createIsolatedEnv, findOpenClawInstall, runOpenClaw, spawnDaemon, type IsolatedEnv, type OpenClawInstall, type RunningProcess, type RunResult } from '../helpers/openclaw.js';

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs: number): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('interop: real `openclaw node run` → clawgate', { timeout: 180_000 }, () => {
  let gateway: TestGateway;
  let install: OpenClawInstall;
  let nodeHome: IsolatedEnv;
  let cliHome: IsolatedEnv;
  let node: RunningProcess;

  const clawgate = async (argv: string[]): Promise<RunResult> => {
    let stdout = '';
    let stderr = '';
    const env = { CLAWGATE_STATE_DIR: gateway.paths.stateDir, CLAWGATE_GATEWAY_TOKEN: gateway.token!, PATH: process.env['PATH'] };
    const code = await runCli([...argv, '--port', String(gateway.server.port)], { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env });
    return { code, stdout, stderr, wallMs: 0 };
  };

  before(async () => {
    install = findOpenClawInstall();
    gateway = await startTestGateway();
    nodeHome = createIsolatedEnv(install, { OPENCLAW_GATEWAY_TOKEN: gateway.token! });
    cliHome = createIsolatedEnv(install);
    node = spawnDaemon(install.openclawBin, ['node', 'run', '--host', '127.0.0.1', '--port', String(gateway.server.port), '--no-tls', '--display-name', 'oc-interop'], nodeHome.env);
  });
  after(async () => {
    await node?.stop();
    await gateway.stop();
    nodeHome?.remove();
    cliHome?.remove();
  });

  it('shows up in `clawgate nodes pending`, is approved, and answers system.which', async () => {
    const pending = await until(async () => {
      const res = await clawgate(['nodes', 'pending', '--json']);
      const list = res.code === 0 ? (JSON.parse(res.stdout) as { requestId: string; nodeId: string; displayName?: string; clientId?: string; commands: string[] }[]) : [];
      return list.find((p) => p.displayName === 'oc-interop');
    }, `the OpenClaw node to connect (output so far: ${node.output().slice(-500)})`, 90_000);
    assert.equal(pending.clientId, 'node-host');
    assert.match(pending.nodeId, /^[0-9a-f]{64}$/, 'the node id is the OpenClaw device id');
    assert.ok(pending.commands.includes('system.which'));

    const approved = await clawgate(['nodes', 'approve', pending.requestId]);
    assert.equal(approved.code, 0, approved.stderr);

    const invoked = await clawgate(['nodes', 'invoke', '--node', 'oc-interop', '--command', 'system.which', '--params', '{"bins":["uname"]}', '--json']);
    assert.equal(invoked.code, 0, invoked.stderr);
    const result = JSON.parse(invoked.stdout) as { ok: boolean; nodeId: string; command: string; payload: { bins: Record<string, string> }; payloadJSON: string };
    assert.equal(result.ok, true);
    assert.equal(result.nodeId, pending.nodeId);
    assert.match(result.payload.bins['uname'] ?? '', /\/uname$/);
    assert.deepEqual(JSON.parse(result.payloadJSON), result.payload);

    const viaOpenclaw = await runOpenClaw(
      install,
      ['nodes', 'invoke', '--url', gateway.url, '--token', gateway.token!, '--node', pending.nodeId, '--command', 'system.which', '--params', '{"bins":["uname"]}'],
      cliHome.env,
    );
    assert.equal(viaOpenclaw.code, 0, viaOpenclaw.stderr);
    assert.match(viaOpenclaw.stdout, /"uname": "\/\S*uname"/);
  });
});

describe('interop: `clawgate node run` → real `openclaw gateway run`', { timeout: 240_000 }, () => {
  let install: OpenClawInstall;
  let gatewayHome: IsolatedEnv;
  let cliHome: IsolatedEnv;
  let port: number;
  let gatewayProcess: RunningProcess;
  let host: NodeHost;
  const token = 'interop-octoken-0123456789';
  const lines: string[] = [];

  before(async () => {
    install = findOpenClawInstall();
    gatewayHome = createIsolatedEnv(install);
    cliHome = createIsolatedEnv(install);
    port = await findFreePort();
    gatewayProcess = spawnDaemon(install.openclawBin, ['gateway', 'run', '--port', String(port), '--bind', 'loopback', '--auth', 'token', '--token', token, '--allow-unconfigured'], gatewayHome.env);
    // The real gateway takes ~14 s to answer its first request on 2 cores.
    await until(async () => {
      const res = await runOpenClaw(install, ['gateway', 'health', '--url', `ws://127.0.0.1:${port}`, '--token', token], cliHome.env, 20_000);
      return res.code === 0 ? true : undefined;
    }, `openclaw gateway to start (${gatewayProcess.output().slice(-300)})`, 120_000);
    // Our node host keeps its identity beside the OpenClaw gateway's state, removed with it.
    host = new NodeHost({ url: `ws://127.0.0.1:${port}`, token, stateDir: join(gatewayHome.root, 'clawgate-node'), displayName: 'cg-interop', log: (line) => lines.push(line) });
    void host.run();
  });
  after(async () => {
    host?.stop();
    await gatewayProcess?.stop();
    gatewayHome?.remove();
    cliHome?.remove();
  });

  const openclaw = (args: string[]): Promise<RunResult> => runOpenClaw(install, [...args, '--url', `ws://127.0.0.1:${port}`, '--token', token], cliHome.env);

  it('is approved with `openclaw nodes approve` and answers `openclaw nodes invoke … system.which`', async () => {
    const requestId = await until(async () => {
      const res = await openclaw(['nodes', 'pending', '--json']);
      if (res.code !== 0) return undefined;
      const match = new RegExp(`"requestId":\\s*"([^"]+)"[^}]*?"nodeId":\\s*"${host.nodeId}"|"nodeId":\\s*"${host.nodeId}"[^}]*?"requestId":\\s*"([^"]+)"`, 's').exec(res.stdout);
      return match?.[1] ?? match?.[2];
    }, `the clawgate node to appear in openclaw nodes pending (node log: ${lines.join(' | ')})`, 60_000);
    const approved = await openclaw(['nodes', 'approve', requestId]);
    assert.equal(approved.code, 0, approved.stdout + approved.stderr);

    const invoked = await until(async () => {
      const res = await openclaw(['nodes', 'invoke', '--node', host.nodeId, '--command', 'system.which', '--params', '{"bins":["uname"]}']);
      return res.code === 0 ? res : undefined;
    }, 'the approved node to answer', 30_000);
    assert.match(invoked.stdout, /"uname": "\/\S*uname"/);
    assert.ok(lines.some((line) => line.startsWith(`node host: connected as node ${host.nodeId}`)));
  });
});
