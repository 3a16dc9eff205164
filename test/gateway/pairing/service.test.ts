/**
 * Pairing over real sockets and a real SQLite store: who gets in with which credential, what waits
 * for approval, and what stops working when an operator revokes or rotates a token.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { connectFrame, openAuthenticatedSocket, openRawSocket, type RawSocket } from '../../helpers/raw-socket.js';
import { connectDevice, createDeviceIdentity, request } from '../../helpers/device.js';

const OWNER_SCOPES = ['operator.admin', 'operator.pairing', 'operator.read'];

describe('pairing service', () => {
  let gateway: TestGateway;
  let owner: RawSocket;
  before(async () => {
    gateway = await startTestGateway();
    owner = await openAuthenticatedSocket(gateway.url, gateway.token!, OWNER_SCOPES);
  });
  after(async () => {
    owner.socket.close();
    await gateway.stop();
  });

  async function setupToken(): Promise<string> {
    const res = await request(owner, 'device.pair.setupCode', {});
    assert.equal(res['ok'], true, JSON.stringify(res['error']));
    return res['payload'].bootstrapToken as string;
  }

  async function pendingIds(): Promise<string[]> {
    const res = await request(owner, 'device.pair.list');
    return (res['payload'].pending as { requestId: string }[]).map((p) => p.requestId);
  }

  it('refuses a device with neither secret nor setup code outright, with AUTH_TOKEN_MISSING and no request queued', async () => {
    const before = await pendingIds();
    const attempt = await connectDevice(gateway.url, { identity: createDeviceIdentity(), scopes: ['operator.read'] });
    assert.equal(attempt.ok, false);
    assert.equal(attempt.error!['code'], 'INVALID_REQUEST');
    assert.equal(attempt.error!['details'].code, 'AUTH_TOKEN_MISSING');
    assert.equal((await attempt.raw.closed).code, 1008);
    assert.deepEqual(await pendingIds(), before);
  });

  it('logs the first device of an owner code (clawgate dashboard) straight in, once; a node or a second device is refused', async () => {
    const res = await request(owner, 'device.pair.setupCode', { profile: 'owner', ttlMs: 600_000 });
    assert.equal(res['ok'], true, JSON.stringify(res['error']));
    const bootstrapToken = res['payload'].bootstrapToken as string;
    const node = await connectDevice(gateway.url, { identity: createDeviceIdentity(), role: 'node', auth: { bootstrapToken: (await request(owner, 'device.pair.setupCode', { profile: 'owner' }))['payload'].bootstrapToken } });
    assert.equal(node.error!['details'].code, 'PAIRING_REQUIRED', 'an owner code never pairs a node silently');
    const identity = createDeviceIdentity();
    const browser = await connectDevice(gateway.url, { identity, scopes: ['operator.read', 'operator.write'], auth: { bootstrapToken } });
    assert.equal(browser.ok, true, JSON.stringify(browser.error));
    assert.equal(typeof browser.hello!['auth'].deviceToken, 'string');
    const listed = await request(owner, 'device.pair.list');
    assert.equal((listed['payload'].paired as { deviceId: string; approvedVia: string }[]).find((d) => d.deviceId === identity.deviceId)?.approvedVia, 'bootstrap-owner');
    const again = await connectDevice(gateway.url, { identity, scopes: ['operator.read'], auth: { bootstrapToken } });
    assert.equal(again.error!['details'].code, 'AUTH_BOOTSTRAP_TOKEN_INVALID', 'spent on first use');
    const other = await connectDevice(gateway.url, { identity: createDeviceIdentity(), scopes: ['operator.read'], auth: { bootstrapToken } });
    assert.equal(other.error!['details'].code, 'AUTH_BOOTSTRAP_TOKEN_INVALID');
    const forbidden = await request(await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.pairing']), 'device.pair.setupCode', { profile: 'owner' });
    assert.equal(forbidden['error'].details.code, 'MISSING_SCOPE', 'only an admin issues one');
    browser.raw.socket.close();
  });

  it('lets a setup-code device call nothing until approved, then exactly the approved scopes, until revoked', async () => {
    const pairingWatcher = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.pairing']);
    const readOnly = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.read']);
    const identity = createDeviceIdentity();
    const bootstrapToken = await setupToken();
    const scopes = ['operator.read', 'operator.write'];

    const first = await connectDevice(gateway.url, { identity, scopes, auth: { bootstrapToken } });
    assert.equal(first.ok, false);
    assert.equal(first.error!['code'], 'NOT_PAIRED');
    const details = first.error!['details'];
    assert.equal(details.code, 'PAIRING_REQUIRED');
    assert.equal(details.reason, 'not-paired');
    assert.equal(details.recommendedNextStep, 'wait_then_retry');
    assert.equal(details.pauseReconnect, false);
    assert.equal(first.error!['retryable'], true);
    assert.match(first.error!['message'], new RegExp(`clawgate devices approve ${details.requestId}`));
    assert.equal((await first.raw.closed).code, 1008);
    const requested = (await pairingWatcher.waitFor((f) => f['event'] === 'device.pair.requested')) as Record<string, any>;
    assert.equal(requested['payload'].requestId, details.requestId);
    assert.equal(requested['payload'].deviceId, identity.deviceId);
    assert.equal(readOnly.frames.some((f) => f['event'] === 'device.pair.requested'), false, 'operator.read does not see pairing events');

    const retry = await connectDevice(gateway.url, { identity, scopes, auth: { bootstrapToken } });
    assert.equal(retry.error!['details'].requestId, details.requestId, 'a retry keeps its request');

    const approved = await request(owner, 'device.pair.approve', { requestId: details.requestId });
    assert.equal(approved['ok'], true, JSON.stringify(approved['error']));
    assert.deepEqual(approved['payload'].device.scopes, scopes);
    const resolved = (await pairingWatcher.waitFor((f) => f['event'] === 'device.pair.resolved')) as Record<string, any>;
    assert.equal(resolved['payload'].decision, 'approved');

    const collected = await connectDevice(gateway.url, { identity, scopes, auth: { bootstrapToken } });
    assert.equal(collected.ok, true, JSON.stringify(collected.error));
    assert.deepEqual(collected.hello!['auth'].scopes, scopes);
    const deviceToken = collected.hello!['auth'].deviceToken as string;
    assert.match(deviceToken, /^[A-Za-z0-9_-]{43}$/);
    collected.raw.socket.close();

    const paired = await connectDevice(gateway.url, { identity, scopes, auth: { deviceToken } });
    assert.equal(paired.ok, true, JSON.stringify(paired.error));
    assert.equal((await request(paired.raw, 'health'))['ok'], true);
    const denied = await request(paired.raw, 'device.pair.list');
    assert.equal(denied['error'].code, 'FORBIDDEN');
    assert.equal(denied['error'].details.code, 'MISSING_SCOPE');
    assert.equal(denied['error'].details.missingScope, 'operator.pairing');

    const wider = await connectDevice(gateway.url, { identity, scopes: ['operator.admin'], auth: { deviceToken } });
    assert.equal(wider.error!['details'].code, 'AUTH_SCOPE_MISMATCH');
    assert.equal(wider.error!['details'].reason, 'scope-upgrade');

    const thief = await connectDevice(gateway.url, { identity: createDeviceIdentity(), scopes, auth: { bootstrapToken } });
    assert.equal(thief.error!['details'].code, 'AUTH_BOOTSTRAP_TOKEN_INVALID');

    const revoked = await request(owner, 'device.token.revoke', { deviceId: identity.deviceId, role: 'operator' });
    assert.equal(revoked['ok'], true, JSON.stringify(revoked['error']));
    const closed = await paired.raw.closed;
    assert.equal(closed.code, 1008);
    assert.equal(closed.reason, 'device access changed: device token revoked');
    const after = await connectDevice(gateway.url, { identity, scopes, auth: { deviceToken } });
    assert.equal(after.error!['details'].code, 'AUTH_DEVICE_TOKEN_MISMATCH');
    assert.equal((await after.raw.closed).code, 1008);
    const logs = gateway.logLines.join('\n');
    assert.equal(logs.includes(deviceToken), false, 'no device token in any log line');
    assert.equal(logs.includes(bootstrapToken), false, 'no setup token in any log line');
    pairingWatcher.socket.close();
    readOnly.socket.close();
  });

  it('approves a device presented with the shared secret and returns a per-role device token, as OpenClaw does for its node host', async () => {
    const identity = createDeviceIdentity();
    const node = await connectDevice(gateway.url, { identity, role: 'node', auth: { token: gateway.token! } });
    assert.equal(node.ok, true, JSON.stringify(node.error));
    const auth = node.hello!['auth'];
    assert.equal(auth.role, 'node');
    assert.deepEqual(auth.scopes, []);
    assert.match(auth.deviceToken, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(typeof auth.issuedAtMs, 'number');
    node.raw.socket.close();
    const list = await request(owner, 'device.pair.list');
    const record = (list['payload'].paired as any[]).find((d) => d.deviceId === identity.deviceId);
    assert.equal(record.approvedVia, 'shared-secret');
    assert.deepEqual(record.roles, ['node']);
    assert.equal(record.tokens[0].role, 'node');
    assert.equal(JSON.stringify(list).includes(auth.deviceToken), false, 'token values are never listed');

    const again = await connectDevice(gateway.url, { identity, role: 'node', auth: { deviceToken: auth.deviceToken } });
    assert.equal(again.ok, true, JSON.stringify(again.error));
    again.raw.socket.close();
    const asToken = await connectDevice(gateway.url, { identity, role: 'node', auth: { token: auth.deviceToken } });
    assert.equal(asToken.ok, true, 'a device token is also accepted in auth.token');
    asToken.raw.socket.close();
  });

  it('rejects a wrong shared token from a device with AUTH_TOKEN_MISMATCH and canRetryWithDeviceToken', async () => {
    const attempt = await connectDevice(gateway.url, { identity: createDeviceIdentity(), auth: { token: 'not-the-token' } });
    assert.equal(attempt.error!['details'].code, 'AUTH_TOKEN_MISMATCH');
    assert.equal(attempt.error!['details'].canRetryWithDeviceToken, true);
  });

  it('requires a device block for device tokens and setup codes (DEVICE_IDENTITY_REQUIRED)', async () => {
    const raw = await openRawSocket(gateway.url);
    await raw.waitFor((f) => f['event'] === 'connect.challenge');
    raw.send(connectFrame({ params: { auth: { bootstrapToken: 'whatever' } } }));
    const res = await raw.waitFor((f) => f['id'] === 'c1');
    assert.equal((res['error'] as any).code, 'NOT_PAIRED');
    assert.equal((res['error'] as any).details.code, 'DEVICE_IDENTITY_REQUIRED');
    assert.equal((await raw.closed).code, 1008);
  });

  it('never lets an approver grant scopes it does not hold, and keeps node approval for admins', async () => {
    const pairingOnly = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.pairing']);
    const identity = createDeviceIdentity();
    const bootstrapToken = await setupToken();
    const pending = await connectDevice(gateway.url, { identity, scopes: ['operator.write'], auth: { bootstrapToken } });
    const requestId = pending.error!['details'].requestId;
    const refused = await request(pairingOnly, 'device.pair.approve', { requestId });
    assert.equal(refused['error'].code, 'FORBIDDEN');
    assert.equal(refused['error'].details.code, 'MISSING_SCOPE');
    assert.equal(refused['error'].details.missingScope, 'operator.write');

    const nodeIdentity = createDeviceIdentity();
    const nodePending = await connectDevice(gateway.url, { identity: nodeIdentity, role: 'node', auth: { bootstrapToken: await setupToken() } });
    const nodeRefused = await request(pairingOnly, 'device.pair.approve', { requestId: nodePending.error!['details'].requestId });
    assert.equal(nodeRefused['error'].details.missingScope, 'operator.admin');
    const rejected = await request(pairingOnly, 'device.pair.reject', { requestId: nodePending.error!['details'].requestId });
    assert.equal(rejected['ok'], true);
    assert.equal((await request(pairingOnly, 'device.pair.approve', { requestId: 'no-such-request' }))['error'].details.code, 'PAIRING_REQUEST_NOT_FOUND');
    pairingOnly.socket.close();
  });

  it('closes live sessions of a rotated token at once; the old token fails and the new one works', async () => {
    const identity = createDeviceIdentity();
    const first = await connectDevice(gateway.url, { identity, scopes: ['operator.read'], auth: { token: gateway.token! } });
    const oldToken = first.hello!['auth'].deviceToken as string;
    first.raw.socket.close();
    const live = await connectDevice(gateway.url, { identity, scopes: ['operator.read'], auth: { deviceToken: oldToken } });
    assert.equal(live.ok, true);
    const rotated = await request(owner, 'device.token.rotate', { deviceId: identity.deviceId, role: 'operator' });
    assert.equal(rotated['ok'], true, JSON.stringify(rotated['error']));
    const newToken = rotated['payload'].deviceToken as string;
    assert.notEqual(newToken, oldToken);
    assert.equal((await live.raw.closed).reason, 'device access changed: device token rotated');
    assert.equal((await connectDevice(gateway.url, { identity, scopes: ['operator.read'], auth: { deviceToken: oldToken } })).error!['details'].code, 'AUTH_DEVICE_TOKEN_MISMATCH');
    const fresh = await connectDevice(gateway.url, { identity, scopes: ['operator.read'], auth: { deviceToken: newToken } });
    assert.equal(fresh.ok, true, JSON.stringify(fresh.error));
    const removed = await request(owner, 'device.pair.remove', { deviceId: identity.deviceId });
    assert.equal(removed['ok'], true);
    assert.equal((await fresh.raw.closed).reason, 'device access changed: device removed');
    assert.equal((await request(owner, 'device.pair.remove', { deviceId: identity.deviceId }))['error'].details.code, 'DEVICE_NOT_FOUND');
  });

  it('scopes a non-admin device-token session to its own device: sees only itself, cannot remove, revoke or rename others', async () => {
    const phone = createDeviceIdentity();
    const other = createDeviceIdentity();
    const scopes = ['operator.pairing', 'operator.read'];
    const phoneFirst = await connectDevice(gateway.url, { identity: phone, scopes, auth: { token: gateway.token! } });
    const otherFirst = await connectDevice(gateway.url, { identity: other, scopes, auth: { token: gateway.token! } });
    assert.ok(phoneFirst.ok && otherFirst.ok);
    phoneFirst.raw.socket.close();
    otherFirst.raw.socket.close();
    const session = await connectDevice(gateway.url, { identity: phone, scopes, auth: { deviceToken: phoneFirst.hello!['auth'].deviceToken } });
    assert.equal(session.ok, true, JSON.stringify(session.error));

    const list = await request(session.raw, 'device.pair.list');
    assert.deepEqual((list['payload'].paired as { deviceId: string }[]).map((d) => d.deviceId), [phone.deviceId]);

    const removal = await request(session.raw, 'device.pair.remove', { deviceId: other.deviceId });
    assert.equal(removal['error'].code, 'FORBIDDEN');
    assert.equal(removal['error'].details.code, 'DEVICE_NOT_OWN');
    const revocation = await request(session.raw, 'device.token.revoke', { deviceId: other.deviceId, role: 'operator' });
    assert.equal(revocation['error'].details.code, 'DEVICE_NOT_OWN');

    const renameOther = await request(session.raw, 'device.pair.rename', { deviceId: other.deviceId, label: 'mine now' });
    assert.equal(renameOther['error'].details.code, 'DEVICE_NOT_OWN');
    const renameSelf = await request(session.raw, 'device.pair.rename', { deviceId: phone.deviceId, label: 'Kitchen phone' });
    assert.deepEqual(renameSelf['payload'], { deviceId: phone.deviceId, label: 'Kitchen phone' });

    // The owner (shared secret) still sees and manages every device.
    const ownerList = await request(owner, 'device.pair.list');
    const ownerIds = (ownerList['payload'].paired as { deviceId: string }[]).map((d) => d.deviceId);
    assert.ok(ownerIds.includes(phone.deviceId) && ownerIds.includes(other.deviceId));
    const phoneView = (ownerList['payload'].paired as { deviceId: string; label?: string }[]).find((d) => d.deviceId === phone.deviceId);
    assert.equal(phoneView?.label, 'Kitchen phone');
    const tooLong = await request(owner, 'device.pair.rename', { deviceId: other.deviceId, label: 'x'.repeat(65) });
    assert.equal(tooLong['error'].details.code, 'INVALID_PARAMS');
    session.raw.socket.close();
  });

  it('queues a role-upgrade request when a paired operator device asks to connect as a node', async () => {
    const identity = createDeviceIdentity();
    const first = await connectDevice(gateway.url, { identity, scopes: ['operator.read'], auth: { token: gateway.token! } });
    const deviceToken = first.hello!['auth'].deviceToken as string;
    first.raw.socket.close();
    const asNode = await connectDevice(gateway.url, { identity, role: 'node', auth: { deviceToken } });
    assert.equal(asNode.error!['details'].code, 'PAIRING_REQUIRED');
    assert.equal(asNode.error!['details'].reason, 'role-upgrade');
    assert.equal((await request(owner, 'device.pair.approve', { requestId: asNode.error!['details'].requestId }))['ok'], true);
    const collected = await connectDevice(gateway.url, { identity, role: 'node', auth: { deviceToken } });
    assert.equal(collected.ok, true, JSON.stringify(collected.error));
    assert.notEqual(collected.hello!['auth'].deviceToken, deviceToken, 'the node role gets its own token');
    collected.raw.socket.close();
  });

  it('audits every connect that carried a credential with who, where and the code, and never a secret', async () => {
    const { StateStore } = await import('../../../src/store/index.js');
    const store = StateStore.openForStateDir(gateway.paths.stateDir);
    try {
      const entries = store.audit.list(500);
      const codes = new Set(entries.filter((e) => e.event === 'connect').map((e) => e.code));
      for (const code of ['PAIRING_REQUIRED', 'AUTH_DEVICE_TOKEN_MISMATCH', 'token', 'device-token', 'bootstrap-token']) {
        assert.ok(codes.has(code), `audit has a connect with ${code}`);
      }
      assert.equal(codes.has('AUTH_TOKEN_MISSING'), false, 'a client that presented no credential leaves nothing on disk');
      assert.ok(entries.every((e) => e.remoteAddress === undefined || e.remoteAddress.includes('127.0.0.1')));
      assert.equal(JSON.stringify(entries).includes(gateway.token!), false);
    } finally {
      store.close();
    }
  });
});

describe('pairing service with password auth', () => {
  let gateway: TestGateway;
  const password = 'a-long-test-password-0123456789';
  before(async () => {
    gateway = await startTestGateway({ flags: { auth: 'password', password } });
  });
  after(async () => {
    await gateway.stop();
  });

  it('answers a device-less token with AUTH_PASSWORD_MISSING, and takes auth.token as a device token only with a device', async () => {
    const raw = await openRawSocket(gateway.url);
    await raw.waitFor((f) => f['event'] === 'connect.challenge');
    raw.send(connectFrame({ token: 'looks-like-a-token' }));
    const res = (await raw.waitFor((f) => f['id'] === 'c1')) as Record<string, any>;
    assert.equal(res['error'].details.code, 'AUTH_PASSWORD_MISSING');

    const identity = createDeviceIdentity();
    const owner = await connectDevice(gateway.url, { identity, role: 'node', auth: { password } });
    assert.equal(owner.ok, true, JSON.stringify(owner.error));
    owner.raw.socket.close();
    const again = await connectDevice(gateway.url, { identity, role: 'node', auth: { token: owner.hello!['auth'].deviceToken } });
    assert.equal(again.ok, true, JSON.stringify(again.error));
    again.raw.socket.close();
  });
});
