/** GatewayClient `tlsFingerprint`: a pinned self-signed gateway is accepted; a wrong pin fails before any credential is sent. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { GatewayClient, GatewayTransportError } from '../../src/client/index.js';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

describe('GatewayClient TLS pinning', { skip: hasOpenssl ? false : 'openssl not installed' }, () => {
  let dir: string;
  let server: Server;
  let url: string;
  let fingerprint: string;
  const received: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clawgate-tls-'));
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]);
    assert.equal(made.status, 0, made.stderr.toString());
    const cert = readFileSync(join(dir, 'cert.pem'));
    fingerprint = new X509Certificate(cert).fingerprint256;
    server = createServer({ cert, key: readFileSync(join(dir, 'key.pem')) });
    const wss = new WebSocketServer({ server });
    wss.on('connection', (socket: WebSocket) => {
      socket.send(JSON.stringify({ type: 'event', event: 'connect.challenge', payload: { nonce: 'n', ts: 1 } }));
      socket.on('message', (data) => {
        received.push(data.toString());
        const frame = JSON.parse(data.toString()) as Record<string, unknown>;
        socket.send(JSON.stringify({ type: 'res', id: frame['id'], ok: false, error: { code: 'INVALID_REQUEST', message: 'recorded' } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `wss://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a gateway whose certificate does not match the pin, before sending connect', async () => {
    const client = new GatewayClient({ url, token: 'secret-token', tlsFingerprint: 'AA'.repeat(32), wsOptions: { rejectUnauthorized: false } });
    const error = await client.connect().then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof GatewayTransportError);
    assert.match(error.kind, /^TLS/);
    assert.match(error.message, /gateway tls fingerprint mismatch: expected sha256:a{64}, server presented sha256:[0-9a-f]{64}/i);
    assert.equal(received.length, 0, 'no connect frame (and so no token) reached the server');
  });

  it('connects to the pinned certificate (colons and case do not matter)', async () => {
    const client = new GatewayClient({ url, token: 'secret-token', tlsFingerprint: fingerprint.replace(/:/g, '').toLowerCase(), wsOptions: { rejectUnauthorized: false } });
    await assert.rejects(client.connect(), /recorded/);
    assert.equal(received.length, 1);
  });
});
