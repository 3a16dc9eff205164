/**
 * Attack family T-AUTH (security lessons §5 T-AUTH-3, issue 12 hole 6): a session that is not the
 * owner tries to act on other devices, other nodes, or to watch other clients. The owner is defined in
 * src/gateway/owner.ts (shared secret, auth none, Tailscale identity, or operator.admin). Real gateway,
 * real sockets, real SQLite.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { connectFrame, openAuthenticatedSocket, openRawSocket, type RawSocket } from '../../helpers/raw-socket.js';
import { connectDevice, createDeviceIdentity, request, type DeviceConnection } from '../../helpers/device.js';
import { approveNode, openNodeSocket } from '../../helpers/node-socket.js';
import { createFakeClock } from '../../helpers/fake-clock.js';
import fc from 'fast-check';
import { isOwner, requireOwnerOrSelf } from '../../../src/gateway/owner.js';

const OWNER_SCOPES = ['operator.admin', 'operator.pairing', 'operator.read', 'operator.write'];

describe('T-AUTH: privilege of non-owner sessions', () => {
  let gateway: TestGateway;
  let owner: RawSocket;
  const adminDevice = createDeviceIdentity();
  const otherDevice = createDeviceIdentity();

  before(async () => {
    gateway = await startTestGateway();
    owner = await openAuthenticatedSocket(gateway.url, gateway.token!, OWNER_SCOPES);
    // The owner's own admin device and one more paired phone, both paired with the shared secret.
    for (const [identity, scopes] of [[adminDevice, OWNER_SCOPES], [otherDevice, ['operator.read']]] as const) {
      const first = await connectDevice(gateway.url, { identity, scopes: [...scopes], auth: { token: gateway.token! } });
      assert.equal(first.ok, true, JSON.stringify(first.error));
      first.raw.socket.close();
    }
  });
  after(async () => {
    owner.socket.close();
    await gateway.stop();
  });

  /** A session that authenticated with a setup code (bootstrap token) and holds read+pairing. */
  async function setupCodeSession(): Promise<DeviceConnection> {
    const identity = createDeviceIdentity();
    const scopes = ['operator.read', 'operator.pairing'];
    const code = await request(owner, 'device.pair.setupCode', {});
    const bootstrapToken = code['payload'].bootstrapToken as string;
    const first = await connectDevice(gateway.url, { identity, scopes, auth: { bootstrapToken } });
    assert.equal(first.error?.['details'].code, 'PAIRING_REQUIRED');
    const approved = await request(owner, 'device.pair.approve', { requestId: first.error!['details'].requestId });
    assert.equal(approved['ok'], true, JSON.stringify(approved['error']));
    const session = await connectDevice(gateway.url, { identity, scopes, auth: { bootstrapToken } });
    assert.equal(session.ok, true, JSON.stringify(session.error));
    return session;
  }

  it('setup-code session: cannot list every device, revoke another device token, or remove the admin device', async () => {
    const session = await setupCodeSession();
    const list = await request(session.raw, 'device.pair.list');
    const ids = (list['payload'].paired as { deviceId: string }[]).map((d) => d.deviceId);
    assert.equal(ids.includes(adminDevice.deviceId), false, 'other devices are not listed');
    assert.equal(ids.includes(otherDevice.deviceId), false);

    const revoke = await request(session.raw, 'device.token.revoke', { deviceId: otherDevice.deviceId, role: 'operator' });
    assert.equal(revoke['error']?.code, 'FORBIDDEN');
    assert.equal(revoke['error']?.details.code, 'DEVICE_NOT_OWN');
    const remove = await request(session.raw, 'device.pair.remove', { deviceId: adminDevice.deviceId });
    assert.equal(remove['error']?.details.code, 'DEVICE_NOT_OWN');
    const rotate = await request(session.raw, 'device.token.rotate', { deviceId: otherDevice.deviceId, role: 'operator' });
    assert.equal(rotate['error']?.details.code, 'DEVICE_NOT_OWN');

    const ownerView = await request(owner, 'device.pair.list');
    const stillThere = (ownerView['payload'].paired as { deviceId: string; tokens: { role: string; revokedAtMs?: number }[] }[]);
    assert.ok(stillThere.some((d) => d.deviceId === adminDevice.deviceId), 'the admin device was not removed');
    const other = stillThere.find((d) => d.deviceId === otherDevice.deviceId);
    assert.equal(other?.tokens.find((t) => t.role === 'operator')?.revokedAtMs, undefined, "the other device's token was not revoked");
    session.raw.socket.close();
  });

  it('device-token session with only operator.pairing: cannot node.pair.remove another node', async () => {
    const node = await openNodeSocket(gateway.url, gateway.token!, { displayName: 'victim node' });
    await approveNode(owner, node.nodeId);
    const phone = createDeviceIdentity();
    const first = await connectDevice(gateway.url, { identity: phone, scopes: ['operator.pairing'], auth: { token: gateway.token! } });
    first.raw.socket.close();
    const session = await connectDevice(gateway.url, { identity: phone, scopes: ['operator.pairing'], auth: { deviceToken: first.hello!['auth'].deviceToken } });
    assert.equal(session.ok, true, JSON.stringify(session.error));

    const removal = await request(session.raw, 'node.pair.remove', { nodeId: node.nodeId });
    assert.equal(removal['error']?.code, 'FORBIDDEN');
    assert.equal(removal['error']?.details.code, 'DEVICE_NOT_OWN');
    const rename = await request(session.raw, 'node.rename', { nodeId: node.nodeId, displayName: 'owned' });
    assert.equal(rename['error']?.details.code, 'DEVICE_NOT_OWN');
    const paired = await request(owner, 'node.pair.list');
    assert.ok((paired['payload'].paired as { nodeId: string }[]).some((p) => p.nodeId === node.nodeId), 'the node keeps its approval');
    session.raw.socket.close();
    node.socket.close();
  });

  it('zero-scope operator socket: receives no presence (other clients’ IPs, device ids, scopes)', async () => {
    const watcher = await openRawSocket(gateway.url);
    await watcher.waitFor((f) => f['event'] === 'connect.challenge');
    watcher.send(connectFrame({ token: gateway.token!, scopes: [] }));
    const hello = (await watcher.waitFor((f) => f['id'] === 'c1')) as Record<string, any>;
    assert.equal(hello['ok'], true);
    const snapshot = hello['payload'].snapshot.presence as { reason?: string }[];
    assert.deepEqual(snapshot.map((entry) => entry.reason), ['self'], 'hello-ok shows only the gateway itself');

    const reader = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.read']);
    const ui = await openRawSocket(gateway.url);
    await ui.waitFor((f) => f['event'] === 'connect.challenge');
    ui.send(connectFrame({ token: gateway.token!, params: { client: { id: 'openclaw-control-ui', version: 't', platform: 'linux', mode: 'ui', instanceId: 'presence-probe' } } }));
    await ui.waitFor((f) => f['id'] === 'c1');
    // The reader sees the new client; by then the zero-scope socket would have had the same broadcast.
    await reader.waitFor((f) => f['event'] === 'presence' && JSON.stringify(f['payload']).includes('presence-probe'));
    const tick = await request(watcher, 'health').catch(() => undefined);
    assert.ok(tick !== undefined);
    assert.equal(watcher.frames.some((f) => f['event'] === 'presence'), false, 'no presence event reached the zero-scope socket');
    for (const raw of [watcher, reader, ui]) raw.socket.close();
  });
});

describe('T-AUTH-3: owner rule over every auth method', () => {
  it('only the shared secret, auth none/Tailscale and operator.admin are owners; any other method, known or new, acts for itself', () => {
    const methods = fc.constantFrom('token', 'password', 'none', 'device-token', 'bootstrap-token', 'tailscale-device', 'future-method', undefined);
    const scopes = fc.uniqueArray(fc.constantFrom('operator.read', 'operator.write', 'operator.pairing', 'operator.admin', 'operator.approvals'), { maxLength: 5 });
    fc.assert(
      fc.property(methods, scopes, fc.boolean(), (authMethod, held, isSameDevice) => {
        const caller = { authMethod, scopes: held, deviceId: 'dev-self' };
        const expectedOwner = (authMethod !== undefined && ['token', 'password', 'none'].includes(authMethod)) || held.includes('operator.admin');
        assert.equal(isOwner(caller), expectedOwner);
        const target = isSameDevice ? 'dev-self' : 'dev-other';
        const allowed = (() => {
          try {
            requireOwnerOrSelf(caller, target, 'remove');
            return true;
          } catch {
            return false;
          }
        })();
        assert.equal(allowed, expectedOwner || isSameDevice);
      }),
      { numRuns: 200, seed: 1203 },
    );
  });
});

describe('T-AUTH-2: connect-frame fuzzing', () => {
  let gateway: TestGateway;
  before(async () => {
    // A fake clock: the limiter's back-off for wrong guesses is recorded, not waited for.
    gateway = await startTestGateway({ clock: createFakeClock() });
  });
  after(async () => {
    await gateway.stop();
  });

  it('presence of token, device token, setup code, device block or nonce without their validity never yields a session', async () => {
    const real = (): string => gateway.token!;
    const secretish = fc.oneof(
      fc.constant(''),
      fc.string({ maxLength: 40 }),
      fc.constant('__REAL__x'), // the real token plus a character
      fc.constant('__REAL_PREFIX__'), // the real token minus its last character
      fc.constant('__REAL__'), // the real token, in a field where it is not the shared secret
    );
    const field = (name: 'token' | 'password' | 'deviceToken' | 'bootstrapToken') =>
      name === 'token' ? secretish.filter((value) => value !== '__REAL__') : secretish;
    const auth = fc.record(
      { token: field('token'), password: field('password'), deviceToken: field('deviceToken'), bootstrapToken: field('bootstrapToken') },
      { requiredKeys: [] },
    );
    const device = fc.option(
      fc.record({ id: fc.string({ minLength: 1, maxLength: 64 }), publicKey: fc.string({ minLength: 1, maxLength: 64 }), signature: fc.string({ minLength: 1, maxLength: 90 }), signedAt: fc.nat(), nonce: fc.string({ minLength: 1, maxLength: 40 }) }),
      { nil: undefined },
    );
    const resolve = (value: string): string =>
      value === '__REAL__' ? real() : value === '__REAL__x' ? `${real()}x` : value === '__REAL_PREFIX__' ? real().slice(0, -1) : value;
    await fc.assert(
      fc.asyncProperty(auth, device, fc.constantFrom('operator', 'node'), async (rawAuth, rawDevice, role) => {
        const resolved = Object.fromEntries(Object.entries(rawAuth).map(([key, value]) => [key, resolve(value as string)]));
        const raw = await openRawSocket(gateway.url);
        await raw.waitFor((f) => f['event'] === 'connect.challenge');
        const params: Record<string, unknown> = { auth: resolved, ...(rawDevice === undefined ? {} : { device: rawDevice }) };
        raw.send(connectFrame({ role, scopes: role === 'operator' ? ['operator.admin'] : [], params }));
        const res = await raw.waitFor((f) => f['id'] === 'c1');
        raw.socket.terminate();
        assert.equal(res['ok'], false, `authenticated with ${JSON.stringify(params)}`);
      }),
      { numRuns: 40, seed: 1206 },
    );
  });
});

describe('T-AUTH-2b: real credentials in the wrong combination (issue 12, fuzzing)', () => {
  // T-AUTH-2 above sends made-up values; here every part is real (a signed device block, a device
  // token the gateway issued, a nonce it sent) and the property says a session needs all of them to
  // belong together: exactly the untouched combination connects, any one part swapped does not.
  let gateway: TestGateway;
  const paired = createDeviceIdentity();
  const stranger = createDeviceIdentity();
  let pairedToken = '';
  let staleNonce = '';
  before(async () => {
    gateway = await startTestGateway({ clock: createFakeClock() });
    const first = await connectDevice(gateway.url, { identity: paired, scopes: ['operator.read'], auth: { token: gateway.token! } });
    assert.equal(first.ok, true, JSON.stringify(first.error));
    pairedToken = first.hello!['auth'].deviceToken as string;
    first.raw.socket.close();
    const raw = await openRawSocket(gateway.url);
    staleNonce = ((await raw.waitFor((f) => f['event'] === 'connect.challenge'))['payload'] as { nonce: string }).nonce;
    raw.socket.terminate();
  });
  after(async () => {
    await gateway.stop();
  });

  it('a device token, a signature and a nonce connect only when all three are the real, matching ones', async () => {
    const mutations = {
      none: undefined,
      staleNonce: (device: Record<string, unknown>) => void (device['nonce'] = staleNonce),
      otherKey: (device: Record<string, unknown>) => void (device['publicKey'] = stranger.publicKey),
      otherId: (device: Record<string, unknown>) => void (device['id'] = stranger.deviceId),
      oldSignedAt: (device: Record<string, unknown>) => void (device['signedAt'] = Number(device['signedAt']) - 3_600_000),
      noSignature: (device: Record<string, unknown>) => void delete device['signature'],
    } as const;
    const credentials = {
      pairedDeviceToken: () => ({ deviceToken: pairedToken }),
      tokenPlusOne: () => ({ deviceToken: `${pairedToken}x` }),
      deviceTokenAsSharedToken: () => ({ token: pairedToken }),
      deviceTokenAsSetupCode: () => ({ bootstrapToken: pairedToken }),
      none: () => undefined,
    } as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('paired', 'stranger'),
        fc.constantFrom(...(Object.keys(credentials) as (keyof typeof credentials)[])),
        fc.constantFrom(...(Object.keys(mutations) as (keyof typeof mutations)[])),
        async (who, credential, mutation) => {
          const auth = credentials[credential]();
          const attempt = await connectDevice(gateway.url, {
            identity: who === 'paired' ? paired : stranger,
            scopes: ['operator.read'],
            ...(auth === undefined ? {} : { auth }),
            ...(mutations[mutation] === undefined ? {} : { mutateDevice: mutations[mutation] }),
          });
          attempt.raw.socket.terminate();
          // auth.token may carry a device token instead of the shared secret (OpenClaw allows it; see
          // gateway/pairing/service.ts), so both spellings of the real token count as the real one.
          const isRealToken = credential === 'pairedDeviceToken' || credential === 'deviceTokenAsSharedToken';
          const shouldConnect = who === 'paired' && isRealToken && mutation === 'none';
          assert.equal(attempt.ok, shouldConnect, `${who} + ${credential} + ${mutation}: ${JSON.stringify(attempt.error)}`);
        },
      ),
      { numRuns: Number(process.env['CLAWGATE_FUZZ_RUNS'] ?? 60), seed: 1207 },
    );
  });
});
