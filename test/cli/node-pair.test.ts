/**
 * One code, one path: a Clawgate node pairs with a setup link (what `clawgate node run --pair` does),
 * and devices are named by prefix or name, with renames and removals mirrored to `nodes`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { NodeHost } from '../../src/node-host/index.js';
import { decodeSetupCode } from '../../src/protocol/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { eventually } from '../helpers/eventually.js';

async function cli(gateway: TestGateway, args: string[], withTarget = true): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli([...args, ...(withTarget ? ['--url', gateway.url, '--token', gateway.token!] : [])], {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { CLAWGATE_STATE_DIR: gateway.paths.stateDir },
  });
  return { code, stdout, stderr };
}

interface NodeRow {
  nodeId: string;
  displayName?: string;
}

describe('pairing a node with one setup link', () => {
  let gateway: TestGateway;
  let nodeStateDir: string;
  let host: NodeHost;
  before(async () => {
    gateway = await startTestGateway();
    nodeStateDir = mkdtempSync(join(tmpdir(), 'clawgate-node-'));
  });
  after(async () => {
    host?.stop();
    await gateway.stop();
    rmSync(nodeStateDir, { recursive: true, force: true });
  });

  it('refuses a --pair value that is not a setup link, with exit 2', async () => {
    const result = await cli(gateway, ['node', 'run', '--pair', 'not-a-link'], false);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--pair: not a setup code/);
  });

  it('pairs with the link, then names the device by prefix and name in both `devices` and `nodes`', async () => {
    const setup = await cli(gateway, ['devices', 'setup-code']);
    const link = /Setup link: (oc-pair:\/\/\S+)/.exec(setup.stdout)?.[1];
    const payload = decodeSetupCode(link ?? '', Date.now());
    assert.ok(payload !== undefined, setup.stdout);
    const lines: string[] = [];
    host = new NodeHost({ url: payload.url, bootstrapToken: payload.bootstrapToken, stateDir: nodeStateDir, displayName: 'kitchen', log: (line) => lines.push(line), backoff: { initialMs: 20, maxMs: 60 } });
    void host.run();
    await eventually(() => lines.some((line) => line.includes('waiting for device pairing approval')), 'the pairing request');

    const approved = await cli(gateway, ['devices', 'approve', '--latest']);
    assert.equal(approved.code, 0, approved.stderr);
    assert.match(approved.stdout, /Next, once the node reconnects, approve its commands: clawgate nodes approve/);
    await eventually(() => host.state === 'connected', 'the node to connect with its device token');
    const surface = await cli(gateway, ['nodes', 'approve', 'kitchen']);
    assert.equal(surface.code, 0, surface.stderr);

    const prefix = host.nodeId.slice(0, 8);
    const renamed = await cli(gateway, ['devices', 'rename', prefix, 'pantry']);
    assert.equal(renamed.code, 0, renamed.stderr);
    const nodes = JSON.parse((await cli(gateway, ['nodes', 'list', '--json'])).stdout) as { nodes: NodeRow[] };
    assert.equal(nodes.nodes.find((n) => n.nodeId === host.nodeId)?.displayName, 'pantry', 'the rename shows in `nodes`');
    const devices = JSON.parse((await cli(gateway, ['devices', 'list', '--json'])).stdout) as { paired: { deviceId: string; label?: string }[] };
    assert.equal(devices.paired.find((d) => d.deviceId === host.nodeId)?.label, 'pantry');

    const tooShort = await cli(gateway, ['devices', 'revoke', host.nodeId.slice(0, 3)]);
    assert.equal(tooShort.code, 1);
    assert.match(tooShort.stderr, /needs at least 6 characters/);

    const removed = await cli(gateway, ['devices', 'remove', 'pantry']);
    assert.equal(removed.code, 0, removed.stderr);
    await eventually(async () => {
      const after = JSON.parse((await cli(gateway, ['nodes', 'list', '--json'])).stdout) as { nodes: NodeRow[] };
      return !after.nodes.some((n) => n.nodeId === host.nodeId);
    }, 'the removed device to leave `nodes list`');
  });
});
