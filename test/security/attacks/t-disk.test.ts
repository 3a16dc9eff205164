/**
 * Disk and log amplification (issue 12 hole 5): an attacker without a credential makes the gateway
 * write far more than it sent, to the log file or to SQLite. Real gateway, real sockets, real SQLite.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StateStore } from '../../../src/store/index.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { connectFrame, openAuthenticatedSocket, openRawSocket } from '../../helpers/raw-socket.js';
import { attemptUpgrade } from '../../helpers/upgrade.js';
import { createDeviceIdentity } from '../../helpers/device.js';

/** No log line may be much longer than a normal one, whatever the client sent. */
const MAX_LOG_LINE_CHARS = 4096;

function longestLogLine(gateway: TestGateway): number {
  return Math.max(0, ...gateway.logLines.map((line) => line.length));
}

function auditEntries(gateway: TestGateway): ReturnType<StateStore['audit']['list']> {
  const store = StateStore.openForStateDir(gateway.paths.stateDir);
  try {
    return store.audit.list(10_000);
  } finally {
    store.close();
  }
}

describe('disk and log amplification', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway();
  });
  after(async () => {
    await gateway.stop();
  });

  it('refused upgrade with 7 KB Host and Origin headers: the log line stays bounded', async () => {
    const port = Number(new URL(gateway.url).port);
    const huge = 'a'.repeat(7 * 1024);
    const before = gateway.logLines.length;
    const outcome = await attemptUpgrade(port, { Origin: `https://${huge}.example`, Host: `${huge}.example` });
    assert.equal(outcome.status, 403);
    const lines = gateway.logLines.slice(before);
    assert.ok(lines.some((line) => line.includes('refusing browser connection')), 'the refusal is logged');
    assert.ok(longestLogLine(gateway) < MAX_LOG_LINE_CHARS, `longest log line ${longestLogLine(gateway)} chars`);
  });

  it('5 MB unknown method name: refused at decode, never logged or echoed whole', async () => {
    const raw = await openAuthenticatedSocket(gateway.url, gateway.token!, ['operator.read']);
    raw.send({ type: 'req', id: 'huge-method', method: 'x'.repeat(5 * 1024 * 1024), params: {} });
    const res = (await raw.waitFor((f) => f['id'] === 'huge-method', 10_000)) as Record<string, any>;
    assert.equal(res['ok'], false);
    assert.equal(res['error'].details.code, 'INVALID_FRAME');
    assert.ok(JSON.stringify(res).length < 1024, 'the reply does not echo the name');
    assert.ok(longestLogLine(gateway) < MAX_LOG_LINE_CHARS, `longest log line ${longestLogLine(gateway)} chars`);
    raw.socket.close();
  });

  it('credential-less connect with a 60 KB device.id: nothing is stored', async () => {
    const before = auditEntries(gateway).length;
    for (let attempt = 0; attempt < 5; attempt++) {
      const raw = await openRawSocket(gateway.url);
      await raw.waitFor((f) => f['event'] === 'connect.challenge');
      const device = { id: 'd'.repeat(60_000), publicKey: 'x', signature: 'y', signedAt: Date.now(), nonce: 'n' };
      raw.send(connectFrame({ params: { device } }));
      await raw.closed;
    }
    assert.equal(auditEntries(gateway).length, before, 'no audit row for a client that presented no credential');
    assert.ok(longestLogLine(gateway) < MAX_LOG_LINE_CHARS);
  });

  it('wrong-credential connect with a 60 KB device.id and client id: the audit row is bounded', async () => {
    const identity = createDeviceIdentity();
    const raw = await openRawSocket(gateway.url);
    await raw.waitFor((f) => f['event'] === 'connect.challenge');
    const device = { id: `${identity.deviceId}${'d'.repeat(60_000)}`, publicKey: identity.publicKey, signature: 'y', signedAt: Date.now(), nonce: 'n' };
    raw.send(connectFrame({ token: 'wrong-token', params: { device } }));
    await raw.closed;
    const newest = auditEntries(gateway)[0];
    assert.ok(newest !== undefined);
    assert.ok(JSON.stringify(newest).length < 2048, `audit row is ${JSON.stringify(newest).length} chars`);
  });
});
