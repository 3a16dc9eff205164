/** Handshake over a real socket: challenge, connect, hello-ok, and every way a connect can be refused. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { connectFrame, openRawSocket } from '../helpers/raw-socket.js';

describe('gateway handshake', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway();
  });
  after(async () => {
    await gateway.stop();
  });

  it('sends connect.challenge with a nonce and ts as soon as the socket opens', async () => {
    const raw = await openRawSocket(gateway.url);
    const challenge = await raw.waitFor((f) => f['event'] === 'connect.challenge');
    const payload = challenge['payload'] as { nonce: string; ts: number };
    assert.match(payload.nonce, /^[0-9a-f-]{36}$/);
    assert.ok(Math.abs(payload.ts - Date.now()) < 5000);
    assert.equal(challenge['seq'], undefined, 'the challenge carries no seq, as in OpenClaw');
    raw.socket.close();
  });

  it('answers a valid connect with hello-ok carrying the granted role and scopes', async () => {
    const raw = await openRawSocket(gateway.url);
    await raw.waitFor((f) => f['event'] === 'connect.challenge');
    raw.send(connectFrame({ token: gateway.token!, scopes: ['operator.read', 'operator.bogus'] }));
    const res = await raw.waitFor((f) => f['id'] === 'c1');
    assert.equal(res['ok'], true);
    const hello = res['payload'] as Record<string, any>;
    assert.equal(hello['type'], 'hello-ok');
    assert.equal(hello['protocol'], 4);
    assert.deepEqual(hello['auth'], { role: 'operator', scopes: ['operator.read'] });
    assert.ok(hello['features'].methods.includes('health'));
    assert.ok(hello['features'].events.includes('tick'));
    assert.equal(hello['policy'].maxPayload, 25 * 1024 * 1024);
    assert.equal(hello['snapshot'].presence[0].reason, 'self');
    assert.equal(hello['snapshot'].configPath, undefined, 'config paths are for admins only');
    raw.socket.close();
  });

  it('rejects a wrong token with AUTH_TOKEN_MISMATCH and closes 1008', async () => {
    const raw = await openRawSocket(gateway.url);
    await raw.waitFor((f) => f['event'] === 'connect.challenge');
    raw.send(connectFrame({ token: 'wrong-token' }));
    const res = await raw.waitFor((f) => f['id'] === 'c1');
    const error = res['error'] as Record<string, any>;
    assert.equal(res['ok'], false);
    assert.equal(error['code'], 'INVALID_REQUEST');
    assert.equal(error['details'].code, 'AUTH_TOKEN_MISMATCH');
    assert.equal(error['details'].recommendedNextStep, 'update_auth_credentials');
    assert.equal(error['message'], 'unauthorized: gateway token mismatch');
    assert.equal((await raw.closed).code, 1008);
  });

  it('rejects a missing token with AUTH_TOKEN_MISSING and closes 1008', async () => {
    const raw = await openRawSocket(gateway.url);
    await raw.waitFor((f) => f['event'] === 'connect.challenge');
    raw.send(connectFrame({}));
    const res = await raw.waitFor((f) => f['id'] === 'c1');
    assert.equal((res['error'] as any).details.code, 'AUTH_TOKEN_MISSING');
    assert.equal((await raw.closed).code, 1008);
  });

  it('rejects a protocol range without v4 with PROTOCOL_MISMATCH and closes 1002', async () => {
    const raw = await openRawSocket(gateway.url);
    await raw.waitFor((f) => f['event'] === 'connect.challenge');
    raw.send(connectFrame({ token: gateway.token!, params: { minProtocol: 2, maxProtocol: 3 } }));
    const res = await raw.waitFor((f) => f['id'] === 'c1');
    const error = res['error'] as Record<string, any>;
    assert.equal(error['message'], 'protocol mismatch');
    assert.equal(error['details'].code, 'PROTOCOL_MISMATCH');
    assert.equal(error['details'].expectedProtocol, 4);
    const closed = await raw.closed;
    assert.equal(closed.code, 1002);
    assert.equal(closed.reason, 'protocol mismatch');
  });

  it('checks the protocol before auth, so a v3 operator with a wrong token still learns about the version', async () => {
    const raw = await openRawSocket(gateway.url);
    await raw.waitFor((f) => f['event'] === 'connect.challenge');
    raw.send(connectFrame({ token: 'wrong', params: { minProtocol: 3, maxProtocol: 3 } }));
    const res = await raw.waitFor((f) => f['id'] === 'c1');
    assert.equal((res['error'] as any).details.code, 'PROTOCOL_MISMATCH');
  });
});
