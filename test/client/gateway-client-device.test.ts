/** GatewayClient's node options: a signed device block over the challenge, and the stored device token. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocketServer, type WebSocket } from 'ws';
import { GatewayClient, createDeviceIdentity } from '../../src/client/index.js';
import { buildDeviceAuthPayload, type ClientInfo } from '../../src/protocol/index.js';
import { rawPublicKeyFrom, verifyDeviceSignature } from '../../src/gateway/pairing/device-signature.js';

/** Node client info (ClientInfo's id and mode are closed enums the derived type cannot narrow from a spread). */
function nodeClient(extra: Partial<ClientInfo>): Partial<ClientInfo> {
  return { id: 'node-host', mode: 'node', platform: 'linux', ...extra } as Partial<ClientInfo>;
}

/** A fake gateway that records the connect params and refuses them (enough to see what was sent). */
describe('GatewayClient device signing', () => {
  let server: WebSocketServer;
  let url: string;
  const connects: Record<string, any>[] = [];

  before(async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const address = server.address();
    url = `ws://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    server.on('connection', (socket: WebSocket) => {
      socket.send(JSON.stringify({ type: 'event', event: 'connect.challenge', payload: { nonce: 'nonce-123', ts: 1795489549804 } }));
      socket.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as Record<string, any>;
        connects.push(frame['params']);
        socket.send(JSON.stringify({ type: 'res', id: frame['id'], ok: false, error: { code: 'INVALID_REQUEST', message: 'recorded', details: { code: 'RECORDED' } } }));
      });
    });
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('signs the v3 payload over the challenge nonce with signedAt = the challenge ts', async () => {
    const identity = createDeviceIdentity();
    const client = new GatewayClient({ url, token: 'shared', role: 'node', scopes: [], client: nodeClient({ deviceFamily: 'Linux' }), deviceIdentity: identity, deviceToken: 'stored' });
    await assert.rejects(client.connect(), /recorded/);
    const params = connects.at(-1)!;
    assert.deepEqual(params['auth'], { token: 'shared' }, 'the shared token wins over the stored device token');
    const device = params['device'];
    assert.equal(device.id, identity.deviceId);
    assert.equal(device.nonce, 'nonce-123');
    assert.equal(device.signedAt, 1795489549804);
    const payload = buildDeviceAuthPayload('v3', { deviceId: identity.deviceId, clientId: 'node-host', clientMode: 'node', role: 'node', scopes: [], signedAtMs: 1795489549804, token: 'shared', nonce: 'nonce-123', platform: 'linux', deviceFamily: 'Linux' });
    assert.equal(verifyDeviceSignature(rawPublicKeyFrom(device.publicKey)!, payload, device.signature), true);
  });

  it('sends the stored device token when no shared secret is configured, and signs over it', async () => {
    const identity = createDeviceIdentity();
    const client = new GatewayClient({ url, role: 'node', scopes: [], client: nodeClient({}), deviceIdentity: identity, deviceToken: 'stored-device-token' });
    await assert.rejects(client.connect(), /recorded/);
    const params = connects.at(-1)!;
    assert.deepEqual(params['auth'], { deviceToken: 'stored-device-token' });
    const payload = buildDeviceAuthPayload('v3', { deviceId: identity.deviceId, clientId: 'node-host', clientMode: 'node', role: 'node', scopes: [], signedAtMs: 1795489549804, token: 'stored-device-token', nonce: 'nonce-123', platform: 'linux' });
    assert.equal(verifyDeviceSignature(rawPublicKeyFrom(params['device'].publicKey)!, payload, params['device'].signature), true);
  });
});
