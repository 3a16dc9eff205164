/** Certificate pinning in the client, against a real gateway serving a self-signed certificate. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { callGateway, GatewayTransportError } from '../../src/client/index.js';
import { GatewayError } from '../../src/protocol/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

describe('GatewayClient tlsFingerprint', () => {
  let gateway: TestGateway;
  let url: string;
  let pin: string;
  before(async () => {
    gateway = await startTestGateway({ config: { gateway: { tls: { enabled: true } } } });
    url = `wss://127.0.0.1:${gateway.server.port}`;
    pin = gateway.tls?.fingerprintSha256 ?? '';
  });
  after(async () => {
    await gateway.stop();
  });

  const call = (options: { tlsFingerprint?: string; url?: string }) =>
    callGateway('health', {}, { url: options.url ?? url, token: gateway.token, scopes: ['operator.read'], timeoutMs: 5000, tlsFingerprint: options.tlsFingerprint });

  it('connects when the pin matches, in bare, colon-separated upper-case and sha256: forms', async () => {
    const colons = pin.toUpperCase().match(/../g)?.join(':') ?? '';
    for (const form of [pin, colons, `sha256:${pin}`, `SHA256:${colons}`]) {
      const { payload } = await call({ tlsFingerprint: form });
      assert.equal((payload as { ok: boolean }).ok, true, `pin form ${form.slice(0, 12)}…`);
    }
  });

  it('fails a mismatch with both fingerprints, before any frame reaches the gateway', async () => {
    const wrong = 'ab'.repeat(32);
    const connectsBefore = gateway.logLines.filter((line) => /client connected|connect rejected/.test(line)).length;
    await assert.rejects(call({ tlsFingerprint: wrong }), (error: unknown) => {
      assert.ok(error instanceof GatewayTransportError);
      assert.equal(error.kind, 'TLS_FINGERPRINT_MISMATCH');
      assert.equal(error.stage, 'socket');
      assert.match(error.message, new RegExp(`expected sha256:${wrong}, server presented sha256:${pin}`));
      return true;
    });
    const connectsAfter = gateway.logLines.filter((line) => /client connected|connect rejected/.test(line)).length;
    assert.equal(connectsAfter, connectsBefore, 'the gateway saw no connect frame');
  });

  it('rejects the self-signed certificate without a pin (normal CA checks apply)', async () => {
    await assert.rejects(call({}), (error: unknown) => error instanceof GatewayTransportError && /SELF_SIGNED|CERT/.test(error.kind));
  });

  it('refuses a malformed pin with TLS_FINGERPRINT_INVALID before connecting', async () => {
    await assert.rejects(call({ tlsFingerprint: 'abc123' }), (error: unknown) => error instanceof GatewayError && error.code === 'TLS_FINGERPRINT_INVALID');
  });

  it('refuses a pin on a ws:// URL with TLS_PIN_REQUIRES_WSS', async () => {
    await assert.rejects(
      call({ tlsFingerprint: pin, url: `ws://127.0.0.1:${gateway.server.port}` }),
      (error: unknown) => error instanceof GatewayError && error.code === 'TLS_PIN_REQUIRES_WSS' && /needs a wss:\/\/ URL/.test(error.message),
    );
  });
});
