/** gateway.tls: the self-signed certificate made on first start, and WSS (TLS 1.3+) on the gateway port. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import { callGateway } from '../../../src/client/index.js';
import { resolveTlsMaterial } from '../../../src/gateway/http/tls.js';
import { GatewayError, decodeSetupCode, type StatusResult } from '../../../src/protocol/index.js';
import { createTempStateDir, startTestGateway, type TestGateway } from '../../helpers/gateway.js';

describe('resolveTlsMaterial', () => {
  it('makes a self-signed certificate on first use with the key at mode 0600, and reuses it after', () => {
    const stateDir = createTempStateDir();
    const first = resolveTlsMaterial({ config: { enabled: true }, stateDir });
    assert.ok(first !== undefined);
    assert.equal(first.wasGenerated, true);
    assert.equal(first.certPath, join(stateDir, 'tls', 'gateway-cert.pem'));
    assert.equal(statSync(first.keyPath).mode & 0o777, 0o600);
    const expected = new X509Certificate(readFileSync(first.certPath)).fingerprint256.replace(/:/g, '').toLowerCase();
    assert.equal(first.fingerprintSha256, expected);
    const second = resolveTlsMaterial({ config: { enabled: true }, stateDir });
    assert.equal(second?.wasGenerated, false);
    assert.equal(second?.fingerprintSha256, first.fingerprintSha256);
  });

  it('returns undefined when TLS is not enabled', () => {
    assert.equal(resolveTlsMaterial({ config: { autoGenerate: true }, stateDir: createTempStateDir() }), undefined);
  });

  it('fails with TLS_SETUP_FAILED naming openssl when the binary is missing', () => {
    const stateDir = createTempStateDir();
    const runOpenssl = (): void => {
      throw Object.assign(new Error('spawnSync openssl ENOENT'), { code: 'ENOENT' });
    };
    assert.throws(
      () => resolveTlsMaterial({ config: { enabled: true }, stateDir, runOpenssl }),
      (error: unknown) => error instanceof GatewayError && error.code === 'TLS_SETUP_FAILED' && /openssl command was not found.*install openssl/.test(error.message),
    );
    assert.equal(existsSync(join(stateDir, 'tls', 'gateway-key.pem')), false, 'no half-written key is left behind');
  });

  it('fails with TLS_SETUP_FAILED when autoGenerate is false and the files are missing', () => {
    assert.throws(
      () => resolveTlsMaterial({ config: { enabled: true, autoGenerate: false }, stateDir: createTempStateDir() }),
      (error: unknown) => error instanceof GatewayError && error.code === 'TLS_SETUP_FAILED' && /gateway-cert\.pem does not exist/.test(error.message),
    );
  });
});

describe('gateway with gateway.tls.enabled', () => {
  let gateway: TestGateway;
  let wssUrl: string;
  before(async () => {
    gateway = await startTestGateway({ config: { gateway: { tls: { enabled: true } } } });
    wssUrl = `wss://127.0.0.1:${gateway.server.port}`;
  });
  after(async () => {
    await gateway.stop();
  });

  it('logs the certificate fingerprint at startup', () => {
    const fingerprint = gateway.tls?.fingerprintSha256 ?? 'missing';
    assert.ok(gateway.logLines.some((line) => line.includes(`sha256:${fingerprint}`) && line.includes('self-signed certificate generated')));
  });

  it('serves WSS on the same port and reports tls and the fingerprint in status', async () => {
    const { payload } = await callGateway<StatusResult>('status', {}, {
      url: wssUrl,
      token: gateway.token,
      scopes: ['operator.read'],
      tlsFingerprint: gateway.tls?.fingerprintSha256,
    });
    assert.equal(payload.gateway.tls, true);
    assert.equal(payload.gateway.tlsFingerprint, gateway.tls?.fingerprintSha256);
    assert.equal(payload.gateway.authMode, 'token');
  });

  it('puts the certificate pin in setup codes, so a paired device trusts exactly this gateway', async () => {
    const { payload } = await callGateway<{ setupCode: string; url: string }>('device.pair.setupCode', {}, {
      url: wssUrl,
      token: gateway.token,
      scopes: ['operator.admin'],
      tlsFingerprint: gateway.tls?.fingerprintSha256,
    });
    assert.match(payload.url, /^wss:\/\//);
    const decoded = decodeSetupCode(payload.setupCode, Date.now());
    assert.equal(decoded?.tlsFingerprint, gateway.tls?.fingerprintSha256);
  });

  it('negotiates TLS 1.3 and refuses a client limited to TLS 1.2', async () => {
    const negotiated = await new Promise<string | null>((resolve, reject) => {
      const socket = connectTls({ host: '127.0.0.1', port: gateway.server.port, rejectUnauthorized: false }, () => {
        resolve(socket.getProtocol());
        socket.destroy();
      });
      socket.once('error', reject);
    });
    assert.equal(negotiated, 'TLSv1.3');
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => {
      const socket = connectTls({ host: '127.0.0.1', port: gateway.server.port, rejectUnauthorized: false, maxVersion: 'TLSv1.2' }, () => {
        socket.destroy();
        resolve(Object.assign(new Error('connected with TLS 1.2'), { code: 'UNEXPECTED' }));
      });
      socket.once('error', (e: NodeJS.ErrnoException) => resolve(e));
    });
    assert.match(String(error.code), /ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION|ERR_SSL_UNSUPPORTED_PROTOCOL|ECONNRESET/);
  });
});
