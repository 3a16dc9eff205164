/**
 * T-RECOVER-1 and T-AUTH-1 (security lessons §5): the owner gets admin back with one local command
 * after losing every device credential, and a changed shared secret shuts the old one out. Trust in
 * the local path comes from the OS: the state dir (mode 0700) holds the generated token, and only
 * the owner's uid can read it. Real gateway, real CLI process, real sockets.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempStateDir, startTestGateway } from '../../helpers/gateway.js';
import { CLAWGATE_BIN, runCliProcess, withPortGuard } from '../../helpers/cli.js';
import { findFreePort } from '../../helpers/ports.js';
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

  it('T-AUTH-1 rotating the secret (config + SIGHUP): the old one is refused and its sessions close within 1 s', async () => {
    const stateDir = createTempStateDir();
    const oldToken = 'old-secret-0123456789abcdef-0123456789';
    const newToken = 'new-secret-0123456789abcdef-0123456789';
    writeFileSync(join(stateDir, 'clawgate.json'), JSON.stringify({ gateway: { auth: { token: oldToken } } }));
    const port = await findFreePort();
    const child = spawn(process.execPath, [CLAWGATE_BIN, 'gateway', 'run', '--port', String(port)], {
      env: withPortGuard({ CLAWGATE_STATE_DIR: stateDir, PATH: process.env['PATH'] }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      let output = '';
      await new Promise<void>((resolve, reject) => {
        const onData = (chunk: Buffer): void => {
          output += chunk.toString();
          if (output.includes('gateway listening on')) resolve();
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', onData);
        child.once('exit', () => reject(new Error(`gateway exited: ${output}`)));
      });
      const url = `ws://127.0.0.1:${port}`;
      const session = await openAuthenticatedSocket(url, oldToken);
      writeFileSync(join(stateDir, 'clawgate.json'), JSON.stringify({ gateway: { auth: { token: newToken } } }));
      const rotatedAtMs = Date.now();
      child.kill('SIGHUP');
      const closed = await session.closed;
      const elapsedMs = Date.now() - rotatedAtMs;
      assert.equal(closed.code, 1008);
      assert.match(closed.reason, /secret was changed/);
      assert.ok(elapsedMs < 1000, `old session closed after ${elapsedMs} ms`);

      const raw = await openRawSocket(url);
      await raw.waitFor((f) => f['event'] === 'connect.challenge');
      raw.send(connectFrame({ token: oldToken }));
      const refused = (await raw.waitFor((f) => f['id'] === 'c1')) as Record<string, any>;
      assert.equal(refused['error'].details.code, 'AUTH_TOKEN_MISMATCH', 'the old token is refused');
      const fresh = await openAuthenticatedSocket(url, newToken);
      fresh.socket.close();
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
