/** `clawgate nodes …` and `clawgate approvals …` in-process against a real gateway and node host. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../src/cli/main.js';
import type { NodeHost } from '../../src/node-host/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startNodeHost, type RunningNodeHost } from '../helpers/node-host.js';

describe('clawgate nodes / approvals', () => {
  let gateway: TestGateway;
  let nodeStateDir: string;
  let node: RunningNodeHost;
  let host: NodeHost;

  const cli = async (argv: string[], stateDir = gateway.paths.stateDir): Promise<{ code: number; stdout: string; stderr: string }> => {
    let stdout = '';
    let stderr = '';
    const env = { CLAWGATE_STATE_DIR: stateDir, CLAWGATE_GATEWAY_TOKEN: gateway.token!, PATH: process.env['PATH'] };
    const code = await runCli(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env });
    return { code, stdout, stderr };
  };
  const port = (): string[] => ['--port', String(gateway.server.port)];

  before(async () => {
    gateway = await startTestGateway();
    node = await startNodeHost(gateway, { displayName: 'cli-box' });
    host = node.host;
    nodeStateDir = node.stateDir;
  });
  after(async () => {
    node.stop();
    await gateway.stop();
  });

  it('shows the node in `nodes pending`, approves it by name, and lists it as approved', async () => {
    const pending = await cli(['nodes', 'pending', ...port()]);
    assert.equal(pending.code, 0);
    assert.match(pending.stdout, /cli-box\s+operator\.pairing\+operator\.admin\s+system\.info, system\.run, system\.which/);
    const approved = await cli(['nodes', 'approve', 'cli-box', ...port()]);
    assert.equal(approved.code, 0, approved.stderr);
    assert.match(approved.stdout, new RegExp(`^Approved node cli-box \\(${host.nodeId}\\)`));
    const list = await cli(['nodes', 'list', ...port()]);
    assert.match(list.stdout, /^Pending: 0 · Paired: 1\n/);
    assert.match(list.stdout, /cli-box\s+connected\s+approved\s+linux/);
    const json = JSON.parse((await cli(['nodes', 'status', '--json', ...port()])).stdout);
    assert.equal(json[0].nodeId, host.nodeId);
  });

  it('invokes system.which by node-id prefix and prints the payload', async () => {
    const res = await cli(['nodes', 'invoke', '--node', host.nodeId.slice(0, 10), '--command', 'system.which', '--params', '{"bins":["sh"]}', ...port()]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(JSON.parse(res.stdout).bins.sh, /\/sh$/);
  });

  it('reports an exec denial as a clear error with exit code 1, then runs once `approvals allow` permits it', async () => {
    const denied = await cli(['nodes', 'invoke', '--node', 'cli-box', '--command', 'system.run', '--params', '{command:["sh","-c","echo hi"]}', ...port()]);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /^clawgate: node\.invoke failed: node system\.run failed: exec denied by this node: \/\S*sh is not allowed .* \[NODE_INVOKE_FAILED\]/);
    const allowed = await cli(['approvals', 'allow', 'sh'], nodeStateDir);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match(allowed.stdout, /^Allowed \/\S*sh\n$/);
    const list = await cli(['approvals', 'list'], nodeStateDir);
    assert.match(list.stdout, /Default: deny\nAllowed \(1\):\n {2}\/\S*sh\n/);
    const ran = await cli(['nodes', 'invoke', '--node', 'cli-box', '--command', 'system.run', '--params', '{command:["sh","-c","echo hi"]}', '--json', ...port()]);
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(JSON.parse(ran.stdout).payload.stdout, 'hi\n');
  });

  it('exits 1 when system.run is killed by its timeout (and still prints the result)', async () => {
    const slow = await cli(['nodes', 'invoke', '--node', 'cli-box', '--command', 'system.run', '--params', '{command:["sh","-c","sleep 5"],timeoutMs:200}', '--json', ...port()]);
    assert.equal(slow.code, 1);
    assert.equal(JSON.parse(slow.stdout).payload.timedOut, true);
    assert.equal(slow.stderr, 'clawgate: system.run was killed by its timeout\n');
    const failed = await cli(['nodes', 'invoke', '--node', 'cli-box', '--command', 'system.run', '--params', '{command:["sh","-c","exit 3"]}', ...port()]);
    assert.equal(failed.code, 1);
    assert.equal(failed.stderr, 'clawgate: system.run exited with code 3\n');
  });

  it('fails clearly for an unknown node and for bad --params', async () => {
    const unknown = await cli(['nodes', 'describe', '--node', 'nobody', ...port()]);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, 'clawgate: no node matches "nobody" (see `clawgate nodes list`)\n');
    const bad = await cli(['nodes', 'invoke', '--node', 'cli-box', '--command', 'system.which', '--params', '{', ...port()]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^clawgate: --params is not valid JSON/);
  });

  it('renames a node', async () => {
    const res = await cli(['nodes', 'rename', '--node', 'cli-box', '--name', 'garage', ...port()]);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, `Renamed node ${host.nodeId} to "garage"\n`);
  });
});
