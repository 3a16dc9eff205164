/** resolveClientAddress: the table of who-is-the-client rules (security lessons T-PROXY-1..3, T-URL-2). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveClientAddress, TrustedProxies, normalizeIp, parseCidr, isLoopbackIp } from '../../../src/gateway/index.js';

function request(peer: string, headers: Record<string, string> = {}) {
  return { socket: { remoteAddress: peer }, headers };
}

describe('resolveClientAddress', () => {
  const none = new TrustedProxies([]);
  const proxies = new TrustedProxies(['127.0.0.1', '10.0.0.0/8']);

  it('a direct loopback client without forwarding headers is local', () => {
    assert.deepEqual(resolveClientAddress(request('::ffff:127.0.0.1'), none), {
      address: '127.0.0.1',
      peerAddress: '127.0.0.1',
      isLocal: true,
      isBrowser: false,
      origin: undefined,
      isForwarded: false,
      isProxied: false,
    });
  });

  it('any forwarding header cancels local, even when it is not believed', () => {
    for (const header of ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip', 'via']) {
      const resolved = resolveClientAddress(request('127.0.0.1', { [header]: '127.0.0.1' }), none);
      assert.equal(resolved.isLocal, false, header);
      assert.equal(resolved.address, '127.0.0.1', header);
    }
  });

  it('a browser is marked as one, and a loopback browser is still local by address', () => {
    const resolved = resolveClientAddress(request('127.0.0.1', { origin: 'http://localhost:5173' }), none);
    assert.equal(resolved.isBrowser, true);
    assert.equal(resolved.isLocal, true);
    assert.equal(resolved.origin, 'http://localhost:5173');
  });

  it('X-Forwarded-For from an untrusted peer is ignored (T-PROXY-2)', () => {
    const resolved = resolveClientAddress(request('192.0.2.5', { 'x-forwarded-for': '127.0.0.1' }), proxies);
    assert.equal(resolved.address, '192.0.2.5');
    assert.equal(resolved.isProxied, false);
  });

  it('from a trusted proxy the client is the right-most untrusted hop', () => {
    const resolved = resolveClientAddress(request('10.1.2.3', { 'x-forwarded-for': '198.51.100.1, 203.0.113.9, 10.4.4.4' }), proxies);
    assert.equal(resolved.address, '203.0.113.9', 'the spoofable left part is not used');
    assert.equal(resolved.isProxied, true);
    assert.equal(resolved.isLocal, false);
  });

  it('loopback hops never become the client (T-PROXY-3: "evil, 127.0.0.1" is evil)', () => {
    assert.equal(resolveClientAddress(request('127.0.0.1', { 'x-forwarded-for': '203.0.113.9, 127.0.0.1' }), proxies).address, '203.0.113.9');
    assert.equal(resolveClientAddress(request('127.0.0.1', { 'x-forwarded-for': '127.0.0.1' }), proxies).isLocal, false);
  });

  it('reads RFC 7239 Forwarded when there is no X-Forwarded-For, ports and brackets stripped', () => {
    assert.equal(resolveClientAddress(request('10.0.0.1', { forwarded: 'for="[2001:db8::1]:4711";proto=https' }), proxies).address, '2001:db8::1');
    assert.equal(resolveClientAddress(request('10.0.0.1', { forwarded: 'for=192.0.2.60:80, for=10.0.0.2' }), proxies).address, '192.0.2.60');
  });

  it('a trusted proxy that names no usable client fails closed to the proxy itself', () => {
    assert.equal(resolveClientAddress(request('10.0.0.1', { 'x-forwarded-proto': 'https' }), proxies).address, '10.0.0.1');
    assert.equal(resolveClientAddress(request('10.0.0.1', { 'x-forwarded-for': '203.0.113.9, not-an-ip' }), proxies).address, '10.0.0.1');
  });

  it('never uses X-Real-IP for attribution', () => {
    assert.equal(resolveClientAddress(request('10.0.0.1', { 'x-real-ip': '203.0.113.9' }), proxies).address, '10.0.0.1');
  });
});

describe('trusted proxy entries and IP parsing', () => {
  it('parses IPs and CIDRs of both families and rejects names and bad prefixes', () => {
    assert.deepEqual(parseCidr('10.0.0.0/8'), { network: '10.0.0.0', prefix: 8, family: 'ipv4' });
    assert.deepEqual(parseCidr('::1'), { network: '::1', prefix: 128, family: 'ipv6' });
    for (const bad of ['proxy.local', '10.0.0.0/33', '::/129', '1.2.3.4/8/9', '10.0.0.0/x', '']) assert.equal(parseCidr(bad), undefined, bad);
  });

  it('matches IPv4-mapped IPv6 peers against IPv4 entries', () => {
    const list = new TrustedProxies(['127.0.0.1']);
    assert.equal(list.has('::ffff:127.0.0.1'), true);
    assert.equal(list.has('127.0.0.2'), false);
  });

  it('classifies loopback only from IP literals, never from look-alike names (T-URL-2)', () => {
    for (const name of ['127.evil.com', 'localhost.evil.com', '0x7f.1', 'localhost']) assert.equal(isLoopbackIp(name), false, name);
    for (const ip of ['127.0.0.1', '127.9.9.9', '::1', '[::1]', '::ffff:127.0.0.1']) assert.equal(isLoopbackIp(ip), true, ip);
    assert.equal(normalizeIp('FE80::1%eth0'), 'fe80::1');
  });
});
