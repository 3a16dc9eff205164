/**
 * T-RECOVER-1 and T-AUTH-1 (security lessons §5): the owner gets admin back with one local command
 * after losing every device credential, and a changed shared secret shuts the old one out. Trust in
 * the local path comes from the OS: the state dir (mode 0700) holds the generated token, and only
 * the owner's uid can read it. Real gateway, real CLI process, real sockets.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { resolveStatePaths } from '../../../src/config/index.js';
import { startGateway } from '../../../src/daemon/index.js';
import { createTempStateDir, startTestGateway } from '../../helpers/gateway.js';
import { runCliProcess } from '../../helpers/cli.js';
import { connectDevice, createDeviceIdentity, request } from '../../helpers/device.js';
import { connectFrame, openAuthenticatedSocket, openRawSocket } from '../../helpers/raw-socket.js';

describe('T-RECOVER: the owner regains admin locally', () => {
  it('T-RECOVER-1 lost device key: one local command (`clawgate devices list`) is admin again, no JSON edited', async () => {
    const gateway = await startTestGateway({ flags: { auth: 'token' } }); // token generated into the state dir
    try {
      assert.equal(statSync(gateway.paths.stateDir).mode & 0o777, 0o700, 'only the owner uid can read the state dir');
      const owner = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.admin']);
      const laptop = createDeviceIdentity();
      const paired = await connectDevice(gateway.url, { identity: laptop, scopes: ['operator.admin'], auth: { token: gateway.token! } });
      assert.equal(paired.ok, true);
      paired.raw.socket.close();
      // The laptop's key and token are gone for good: the owner revokes them.
      const revoked = await request(owner, 'device.token.revoke', { deviceId: laptop.deviceId, role: 'operator' });
      assert.equal(revoked['ok'], true, JSON.stringify(revoked['error']));
      owner.socket.close();

      const env = { CLAWGATE_STATE_DIR: gateway.paths.stateDir, CLAWGATE_GATEWAY_PORT: String(gateway.server.port), PATH: process.env['PATH'] };
      const result = await runCliProcess(['devices', 'list', '--json'], env);
      assert.equal(result.code, 0, result.stderr);
      const listed = JSON.parse(result.stdout) as { paired: { deviceId: string }[] };
      assert.ok(listed.paired.some((device) => device.deviceId === laptop.deviceId), 'the owner sees every device again');
    } finally {
      await gateway.stop();
    }
  });

  it('T-AUTH-1 changed secret: the old token is refused and its sessions are closed (restart with a new token)', async () => {
    const stateDir = createTempStateDir();
    const paths = resolveStatePaths({ env: { CLAWGATE_STATE_DIR: stateDir } });
    const oldToken = 'old-secret-0123456789abcdef-0123456789';
    const first = await startGateway({ paths, flags: { port: 0, token: oldToken }, env: { CLAWGATE_STATE_DIR: stateDir } });
    const port = first.server.port;
    const session = await openAuthenticatedSocket(`ws://127.0.0.1:${port}`, oldToken);
    const startedMs = Date.now();
    await first.close('secret rotated');
    const closed = await session.closed;
    assert.ok(Date.now() - startedMs < 5000, 'the old session ends with the old secret');
    assert.ok(closed.code === 1001 || closed.code === 1012, `close code ${closed.code}`);

    const second = await startGateway({ paths, flags: { port, token: 'new-secret-0123456789abcdef-0123456789' }, env: { CLAWGATE_STATE_DIR: stateDir } });
    try {
      const raw = await openRawSocket(`ws://127.0.0.1:${second.server.port}`);
      await raw.waitFor((f) => f['event'] === 'connect.challenge');
      raw.send(connectFrame({ token: oldToken }));
      const res = (await raw.waitFor((f) => f['id'] === 'c1')) as Record<string, any>;
      assert.equal(res['ok'], false);
      assert.equal(res['error'].details.code, 'AUTH_TOKEN_MISMATCH');
    } finally {
      await second.close('test finished');
    }
  });
});
