/** `clawgate devices …` against a real gateway: setup code → pending → approve --latest → revoke. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../src/cli/main.js';
import { parseTtlMs } from '../../src/cli/commands/devices-setup-code.js';
import { decodeSetupCode } from '../../src/protocol/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { connectDevice, createDeviceIdentity } from '../helpers/device.js';

async function cli(gateway: TestGateway, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli([...args, '--url', gateway.url, '--token', gateway.token!], {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { CLAWGATE_STATE_DIR: gateway.paths.stateDir },
  });
  return { code, stdout, stderr };
}

describe('clawgate devices', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway();
  });
  after(async () => {
    await gateway.stop();
  });

  it('pairs a setup-code device with `approve --latest` and cuts it off with `revoke`', async () => {
    const setup = await cli(gateway, ['devices', 'setup-code', '--ttl', '5m']);
    assert.equal(setup.code, 0, setup.stderr);
    const link = /Setup link: (oc-pair:\/\/\S+)/.exec(setup.stdout)?.[1];
    assert.ok(link !== undefined, setup.stdout);
    assert.match(setup.stdout, /clawgate node run --pair "oc-pair:\/\//);
    assert.match(setup.stdout, /clawgate devices approve --latest/);
    assert.match(setup.stdout, /clawgate nodes approve/, 'the output names the second approval too');
    const payload = decodeSetupCode(link, Date.now());
    assert.ok(payload !== undefined, 'the link decodes the way openclaw node run --pair reads it');
    assert.equal(payload.url, gateway.url);
    assert.ok(payload.expiresAtMs! - Date.now() <= 5 * 60 * 1000);

    const identity = createDeviceIdentity();
    const scopes = ['operator.read'];
    const pending = await connectDevice(gateway.url, { identity, scopes, auth: { bootstrapToken: payload.bootstrapToken }, client: { displayName: 'phone' } });
    assert.equal(pending.error!['details'].code, 'PAIRING_REQUIRED');

    const listed = await cli(gateway, ['devices', 'list']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${pending.error!['details'].requestId}.*phone.*operator \\[operator.read\\].*not-paired`));

    const approved = await cli(gateway, ['devices', 'approve', '--latest']);
    assert.equal(approved.code, 0, approved.stderr);
    assert.match(approved.stdout, /^Approved /);

    const paired = await connectDevice(gateway.url, { identity, scopes, auth: { bootstrapToken: payload.bootstrapToken } });
    assert.equal(paired.ok, true, JSON.stringify(paired.error));
    const deviceToken = paired.hello!['auth'].deviceToken as string;

    const json = JSON.parse((await cli(gateway, ['devices', 'list', '--json'])).stdout) as { paired: { deviceId: string; approvedVia: string }[] };
    assert.equal(json.paired.find((d) => d.deviceId === identity.deviceId)?.approvedVia, 'operator');

    const revoked = await cli(gateway, ['devices', 'revoke', identity.deviceId]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal((await paired.raw.closed).code, 1008);
    const refused = await connectDevice(gateway.url, { identity, scopes, auth: { deviceToken } });
    assert.equal(refused.error!['details'].code, 'AUTH_DEVICE_TOKEN_MISMATCH');

    const removed = await cli(gateway, ['devices', 'remove', identity.deviceId]);
    assert.equal(removed.code, 0, removed.stderr);
  });

  it('exits 2 for `approve` with neither a request id nor --latest, and 1 for an unknown request', async () => {
    assert.equal((await cli(gateway, ['devices', 'approve'])).code, 2);
    const unknown = await cli(gateway, ['devices', 'approve', 'nope']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no pending pairing request matches "nope"/);
  });

  it('reads --ttl as 90s, 10m, 1h or 15000ms, and refuses a bare number with a readable hint', () => {
    assert.equal(parseTtlMs('90s'), 90_000);
    assert.equal(parseTtlMs('10m'), 600_000);
    assert.equal(parseTtlMs('1h'), 3_600_000);
    assert.equal(parseTtlMs('15000ms'), 15_000);
    assert.throws(() => parseTtlMs('90'), /--ttl needs a unit: did you mean 90s or 90m\?/);
    assert.throws(() => parseTtlMs('ten minutes'), /--ttl must look like 90s/);
    assert.throws(() => parseTtlMs('5s'), /between 10s and 24h/);
  });

  it('exits 2 with the hint for `setup-code --ttl 90`, before any call', async () => {
    const result = await cli(gateway, ['devices', 'setup-code', '--ttl', '90']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /did you mean 90s/);
  });

  it('prints the setup link as a QR code with --qr', async () => {
    const result = await cli(gateway, ['devices', 'setup-code', '--qr']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /[▀▄█]{10}/u, 'half-block QR rows');
  });

  it('`clawgate qr` prints a fresh setup link as a QR code', async () => {
    const result = await cli(gateway, ['qr', '--ttl', '2m']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /[▀▄█]{10}/u);
    assert.match(result.stdout, /Setup link: oc-pair:\/\//);
  });
});
