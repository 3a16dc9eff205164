/** The SQLite state store: file modes, migrations, hashed secrets, one-time bootstrap tokens, and durability across kill -9. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { MIGRATIONS, StateStore, stateDatabasePath, hashSecret, openDatabase } from '../../src/store/index.js';
import { createTempStateDir, startTestGateway } from '../helpers/gateway.js';
import { openAuthenticatedSocket } from '../helpers/raw-socket.js';
import { connectDevice, createDeviceIdentity, request } from '../helpers/device.js';
import { resolveStatePaths } from '../../src/config/index.js';
import { startGateway } from '../../src/daemon/index.js';
import { GatewayError } from '../../src/protocol/index.js';

const TOKEN = 'test-token-0123456789abcdef';

describe('StateStore', () => {
  it('creates <stateDir>/state/clawgate.sqlite with dir 0700 and file 0600, in WAL mode, at the newest schema', () => {
    const stateDir = createTempStateDir();
    try {
      const store = StateStore.openForStateDir(stateDir);
      const path = stateDatabasePath(stateDir);
      assert.equal(statSync(dirname(path)).mode & 0o777, 0o700);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      assert.equal(statSync(`${path}-wal`).mode & 0o777, 0o600);
      assert.equal(store.schemaVersion, MIGRATIONS.length);
      store.close();
      const reopened = openDatabase(path);
      assert.equal(reopened.pragma('journal_mode', { simple: true }), 'wal');
      reopened.close();
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('refuses a database from a newer clawgate with STATE_STORE_FAILED', () => {
    const stateDir = createTempStateDir();
    try {
      const path = stateDatabasePath(stateDir);
      const db = openDatabase(path);
      db.pragma('user_version = 99');
      db.close();
      assert.throws(() => openDatabase(path), (error: unknown) => error instanceof GatewayError && error.code === 'STATE_STORE_FAILED' && /newer/.test(error.message));
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('stores device tokens only as hashes and matches them per device', () => {
    const store = new StateStore({ path: ':memory:' });
    store.devices.approve({ deviceId: 'd1', publicKey: 'k', roles: ['operator'], scopes: ['operator.read'], approvedVia: 'operator' }, 1000);
    const issued = store.deviceTokens.issue('d1', 'operator', ['operator.read'], 1000);
    assert.equal(store.deviceTokens.match('d1', issued.token)?.role, 'operator');
    assert.equal(store.deviceTokens.match('d2', issued.token), undefined);
    assert.equal(store.deviceTokens.match('d1', 'guess'), undefined);
    assert.equal(store.deviceTokens.revoke('d1', 'operator', 2000), true);
    assert.equal(store.deviceTokens.match('d1', issued.token), undefined, 'a revoked token no longer matches');
    store.close();
  });

  it('lets the first device claim a bootstrap token within its TTL and refuses others, expired and redeemed ones', () => {
    const store = new StateStore({ path: ':memory:' });
    const { token, expiresAtMs } = store.bootstrapTokens.issue(60_000, 0);
    assert.equal(store.bootstrapTokens.claim(token, 'a', 1), undefined);
    assert.equal(store.bootstrapTokens.claim(token, 'a', 2), undefined, 'the claiming device may retry');
    assert.equal(store.bootstrapTokens.claim(token, 'b', 3), 'claimed-by-other-device');
    assert.equal(store.bootstrapTokens.claim(token, 'a', expiresAtMs + 60_000), undefined, 'its device may still collect after the TTL');
    assert.equal(store.bootstrapTokens.claim(token, 'a', 24 * 60 * 60 * 1000), 'expired');
    const late = store.bootstrapTokens.issue(60_000, 0);
    assert.equal(store.bootstrapTokens.claim(late.token, 'c', late.expiresAtMs), 'expired', 'an unclaimed code expires with its TTL');
    store.bootstrapTokens.redeem(token, 4);
    assert.equal(store.bootstrapTokens.claim(token, 'a', 5), 'redeemed');
    assert.equal(store.bootstrapTokens.claim('never-issued', 'a', 5), 'unknown');
    store.close();
  });

  it('keeps one pending request per device, refreshes it on retry and replaces it when the ask changes', () => {
    const store = new StateStore({ path: ':memory:' });
    const input = { deviceId: 'd', publicKey: 'k', role: 'operator', scopes: ['operator.read'], reason: 'not-paired' as const };
    const first = store.pairingRequests.upsert(input, 0);
    const retry = store.pairingRequests.upsert(input, 1000);
    assert.equal(retry.isNew, false);
    assert.equal(retry.request.requestId, first.request.requestId);
    assert.equal(retry.request.expiresAtMs, 1000 + 5 * 60 * 1000);
    const wider = store.pairingRequests.upsert({ ...input, scopes: ['operator.write'] }, 2000);
    assert.equal(wider.isNew, true);
    assert.notEqual(wider.request.requestId, first.request.requestId);
    assert.equal(store.pairingRequests.list(2000).length, 1);
    assert.equal(store.pairingRequests.list(2000 + 5 * 60 * 1000).length, 0, 'expired after 5 minutes');
    store.close();
  });
});

describe('pairing durability', () => {
  it('keeps an acknowledged approval when the gateway is killed with SIGKILL right after replying', async () => {
    const stateDir = createTempStateDir();
    const childPath = join(dirname(fileURLToPath(import.meta.url)), '..', 'helpers', 'gateway-child.js');
    const child = spawn(process.execPath, [childPath, stateDir, TOKEN], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const firstLine = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
      const url = `ws://127.0.0.1:${(JSON.parse(firstLine) as { port: number }).port}`;
      const owner = await openAuthenticatedSocket(url, TOKEN, ['operator.admin', 'operator.pairing']);
      const bootstrapToken = (await request(owner, 'device.pair.setupCode', {}))['payload'].bootstrapToken as string;
      const identity = createDeviceIdentity();
      const pending = await connectDevice(url, { identity, scopes: ['operator.read'], auth: { bootstrapToken } });
      const requestId = pending.error!['details'].requestId as string;

      const exited = new Promise((resolve) => child.once('exit', resolve));
      const approved = await request(owner, 'device.pair.approve', { requestId });
      child.kill('SIGKILL');
      assert.equal(approved['ok'], true);
      await exited;
      assert.equal(child.signalCode, 'SIGKILL');

      const store = StateStore.openForStateDir(stateDir);
      assert.deepEqual(store.devices.get(identity.deviceId)?.roles, ['operator']);
      assert.equal(store.pairingRequests.get(requestId, Date.now()), undefined);
      assert.ok(store.audit.list().some((e) => e.event === 'pair.approve' && e.deviceId === identity.deviceId));
      store.close();

      const env = { CLAWGATE_STATE_DIR: stateDir };
      const restarted = await startGateway({ paths: resolveStatePaths({ env }), flags: { port: 0, token: TOKEN }, env, logLevel: 'silent' });
      const collected = await connectDevice(`ws://127.0.0.1:${restarted.server.port}`, { identity, scopes: ['operator.read'], auth: { bootstrapToken } });
      assert.equal(collected.ok, true, JSON.stringify(collected.error));
      collected.raw.socket.close();
      await restarted.server.stop();
    } finally {
      child.kill('SIGKILL');
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('keeps paired devices and their tokens across a gateway restart', async () => {
    const gateway = await startTestGateway();
    const identity = createDeviceIdentity();
    const paired = await connectDevice(gateway.url, { identity, role: 'node', auth: { token: TOKEN } });
    const deviceToken = paired.hello!['auth'].deviceToken as string;
    paired.raw.socket.close();
    const env = { CLAWGATE_STATE_DIR: gateway.paths.stateDir };
    await gateway.server.stop();
    const restarted = await startGateway({ paths: resolveStatePaths({ env }), flags: { port: 0, token: TOKEN }, env, logLevel: 'silent' });
    try {
      const again = await connectDevice(`ws://127.0.0.1:${restarted.server.port}`, { identity, role: 'node', auth: { deviceToken } });
      assert.equal(again.ok, true, JSON.stringify(again.error));
      again.raw.socket.close();
      const stored = readFileSync(stateDatabasePath(gateway.paths.stateDir));
      assert.equal(stored.includes(Buffer.from(deviceToken)), false, 'the token is not in the database file');
      assert.ok(hashSecret(deviceToken).length === 64);
    } finally {
      await restarted.server.stop();
      rmSync(gateway.paths.stateDir, { recursive: true, force: true });
    }
  });
});
