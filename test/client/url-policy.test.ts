/** Which hosts a client may reach over plaintext ws://, and the explicit override. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { callGateway, checkGatewayUrl, hasInsecureWsOverride, isPrivateGatewayHost } from '../../src/client/index.js';
import { GatewayError } from '../../src/protocol/index.js';

describe('isPrivateGatewayHost', () => {
  const allowed = ['127.0.0.1', '127.8.9.10', 'localhost', '::1', '[::1]', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.0.10', '169.254.1.1', '100.64.0.1', '100.127.255.254', 'fd12::1', 'fe80::1', 'gateway.local', 'box.tail1234.ts.net', 'box.tail1234.ts.net.'];
  const refused = ['8.8.8.8', '172.32.0.1', '100.128.0.1', '100.63.255.255', '2001:db8::1', 'example.com', 'ts.net.evil.com', 'local.example.com'];
  for (const host of allowed) it(`allows ${host}`, () => assert.equal(isPrivateGatewayHost(host), true));
  for (const host of refused) it(`refuses ${host}`, () => assert.equal(isPrivateGatewayHost(host), false));
});

describe('checkGatewayUrl', () => {
  it('refuses ws:// to a public host with INSECURE_WS_REFUSED naming the fixes and the override', () => {
    assert.throws(
      () => checkGatewayUrl('ws://gateway.example.com:18789', { allowInsecureWs: false }),
      (error: unknown) => {
        assert.ok(error instanceof GatewayError);
        assert.equal(error.code, 'INSECURE_WS_REFUSED');
        assert.equal(error.toErrorShape().code, 'INVALID_REQUEST');
        assert.match(error.message, /public address gateway\.example\.com.*wss:\/\/.*SSH tunnel.*Tailscale Serve.*CLAWGATE_ALLOW_INSECURE_WS=1/);
        return true;
      },
    );
  });

  it('allows wss:// to any host, and ws:// to a public host with the override', () => {
    assert.equal(checkGatewayUrl('wss://gateway.example.com', { allowInsecureWs: false }), undefined);
    assert.equal(checkGatewayUrl('ws://gateway.example.com', { allowInsecureWs: true }), undefined);
  });

  it('reads both override variables', () => {
    assert.equal(hasInsecureWsOverride({ CLAWGATE_ALLOW_INSECURE_WS: '1' }), true);
    assert.equal(hasInsecureWsOverride({ OPENCLAW_ALLOW_INSECURE_PRIVATE_WS: '1' }), true);
    assert.equal(hasInsecureWsOverride({ CLAWGATE_ALLOW_INSECURE_WS: '0' }), false);
    assert.equal(hasInsecureWsOverride({}), false);
  });

  it('makes the client refuse before opening a socket', async () => {
    await assert.rejects(
      callGateway('health', {}, { url: 'ws://203.0.113.7:18789', token: 'x', allowInsecureWs: false, timeoutMs: 2000 }),
      (error: unknown) => error instanceof GatewayError && error.code === 'INSECURE_WS_REFUSED',
    );
  });
});
