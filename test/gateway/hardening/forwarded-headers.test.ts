/**
 * Reverse proxies and forwarded headers (security lessons §1.2, T-PROXY-1..3): locality and the
 * rate-limit bucket come from who really connects, through a tiny real reverse proxy.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { attemptConnect } from '../../helpers/connect-attempt.js';
import { createFakeClock, type FakeClock } from '../../helpers/fake-clock.js';
import { startReverseProxy, type ReverseProxy } from '../../helpers/reverse-proxy.js';

/** The `client connected` log records, newest last. */
function connectedRecords(gateway: TestGateway): Record<string, unknown>[] {
  return gateway.logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((record) => record['msg'] === 'client connected');
}

async function failTimes(url: string, times: number, options: Parameters<typeof attemptConnect>[1] = {}): Promise<void> {
  for (let i = 0; i < times; i++) {
    const attempt = await attemptConnect(url, { ...options, token: `wrong-guess-${i}` });
    assert.equal(attempt.error?.['details'].code, 'AUTH_TOKEN_MISMATCH', `guess ${i}`);
  }
}

describe('a same-host reverse proxy with no gateway.trustedProxies', () => {
  let gateway: TestGateway;
  let proxy: ReverseProxy;
  let clock: FakeClock;
  before(async () => {
    clock = createFakeClock();
    gateway = await startTestGateway({ clock });
    proxy = await startReverseProxy(gateway.server.port);
  });
  after(async () => {
    await proxy.close();
    await gateway.stop();
  });

  it('a request through a same-host reverse proxy is not treated as local', async () => {
    assert.equal((await attemptConnect(proxy.url, { token: gateway.token! })).ok, true);
    const viaProxy = connectedRecords(gateway).at(-1);
    assert.equal(viaProxy?.['isLocal'], false, 'the peer is 127.0.0.1, but the request was forwarded');
    assert.equal(viaProxy?.['clientAddress'], '127.0.0.1', 'untrusted forwarded headers are not believed either');

    // Not local means not exempt: the internet behind the proxy gets locked out, not slowed down.
    await failTimes(proxy.url, 10);
    const locked = await attemptConnect(proxy.url, { token: gateway.token! });
    assert.equal(locked.error?.['details'].code, 'AUTH_RATE_LIMITED');
    assert.equal(locked.closeCode, 1008);
    assert.deepEqual(clock.sleeps, []);

    // The owner's CLI, connecting directly, is local and unaffected by the proxy's lockout.
    assert.equal((await attemptConnect(gateway.url, { token: gateway.token! })).ok, true);
    assert.equal(connectedRecords(gateway).at(-1)?.['isLocal'], true);
  });
});

describe('forwarded headers from a peer that is not a trusted proxy', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway({ clock: createFakeClock(), config: { gateway: { trustedProxies: ['10.9.9.9'] } } });
  });
  after(async () => {
    await gateway.stop();
  });

  it('X-Forwarded-For from an untrusted peer is ignored', async () => {
    const headers = { 'X-Forwarded-For': '203.0.113.7', 'X-Real-IP': '203.0.113.7', Forwarded: 'for=203.0.113.7' };
    assert.equal((await attemptConnect(gateway.url, { token: gateway.token!, ws: { headers } })).ok, true);
    const record = connectedRecords(gateway).at(-1);
    assert.equal(record?.['clientAddress'], '127.0.0.1');
    assert.equal(record?.['isLocal'], false, 'but it still cancels locality');
  });

  it('rotating a spoofed X-Forwarded-For does not escape the lockout', async () => {
    for (let i = 0; i < 10; i++) {
      const attempt = await attemptConnect(gateway.url, { token: `wrong-${i}`, ws: { headers: { 'X-Forwarded-For': `198.51.100.${i}` } } });
      assert.equal(attempt.error?.['details'].code, 'AUTH_TOKEN_MISMATCH');
    }
    const spoofed = await attemptConnect(gateway.url, { token: gateway.token!, ws: { headers: { 'X-Forwarded-For': '198.51.100.99' } } });
    assert.equal(spoofed.error?.['details'].code, 'AUTH_RATE_LIMITED');
    // Claiming to be loopback through the header does not help either.
    const claimsLocal = await attemptConnect(gateway.url, { token: gateway.token!, ws: { headers: { 'X-Forwarded-For': '127.0.0.1' } } });
    assert.equal(claimsLocal.error?.['details'].code, 'AUTH_RATE_LIMITED');
  });
});

describe('clients behind a trusted reverse proxy', () => {
  let gateway: TestGateway;
  let proxy: ReverseProxy;
  let clock: FakeClock;
  before(async () => {
    clock = createFakeClock();
    gateway = await startTestGateway({ clock, config: { gateway: { trustedProxies: ['127.0.0.1'] } } });
    proxy = await startReverseProxy(gateway.server.port);
  });
  after(async () => {
    await proxy.close();
    await gateway.stop();
  });

  it('one attacker behind a trusted proxy does not lock out everyone else', async () => {
    // Two clients reach the proxy from different addresses; the proxy overwrites X-Forwarded-For.
    const attacker = { localAddress: '127.0.0.2', headers: { 'X-Forwarded-For': '127.0.0.3' } };
    const victim = { localAddress: '127.0.0.3' };
    await failTimes(proxy.url, 10, { ws: attacker });
    const locked = await attemptConnect(proxy.url, { token: gateway.token!, ws: attacker });
    assert.equal(locked.error?.['details'].code, 'AUTH_RATE_LIMITED');
    assert.equal(locked.error?.['retryAfterMs'], 300_000);

    assert.equal((await attemptConnect(proxy.url, { token: gateway.token!, ws: victim })).ok, true, 'the victim still gets in');
    const record = connectedRecords(gateway).at(-1);
    assert.equal(record?.['clientAddress'], '127.0.0.3', 'attributed from the trusted proxy');
    assert.equal(record?.['isLocal'], false, 'proxied is never local');
    assert.equal(record?.['remoteAddress'], '127.0.0.1', 'the TCP peer is the proxy');

    clock.advance(300_001);
    assert.equal((await attemptConnect(proxy.url, { token: gateway.token!, ws: attacker })).ok, true, 'the lockout expires');
  });
});
