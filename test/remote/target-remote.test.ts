/** Target resolution for remote access: the ssh tunnel target, TLS pins, and the local TLS gateway. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveTarget, type ResolveTargetInput } from '../../src/remote/index.js';
import type { ClawgateConfig } from '../../src/config/index.js';

const PIN = 'ab'.repeat(32);

/** Config as it comes out of clawgate.json (the schema's literal unions are checked at load time). */
const asConfig = (value: unknown): ClawgateConfig => value as ClawgateConfig;

function resolve(config: ClawgateConfig, flags: ResolveTargetInput['flags'] = {}, extra: Partial<ResolveTargetInput> = {}) {
  return resolveTarget({ flags, env: { sources: {} }, config, readGeneratedToken: () => 'generated-token', ...extra });
}

describe('resolveTarget remote access', () => {
  it('routes gateway.mode remote with gateway.remote.ssh through the tunnel, with remote credentials', () => {
    const target = resolve(asConfig({ gateway: { mode: 'remote', remote: { token: 'remote-token', ssh: { target: 'me@gw:2222', localPort: 28789, remotePort: 19001 } } } }));
    assert.equal(target.source, 'ssh tunnel');
    assert.equal(target.url, 'ws://127.0.0.1:28789');
    assert.equal(target.token, 'remote-token');
    assert.deepEqual(target.ssh, { target: { user: 'me', host: 'gw', port: 2222 }, remotePort: 19001, localPort: 28789, hostKeyPolicy: 'strict' });
  });

  it('pins gateway.remote.tlsFingerprint for gateway.remote.url, and --tls-fingerprint wins', () => {
    const config = asConfig({ gateway: { mode: 'remote', remote: { url: 'wss://gw.example:18789', token: 't', tlsFingerprint: PIN } } });
    assert.equal(resolve(config).tlsFingerprint, PIN);
    assert.equal(resolve(config, { tlsFingerprint: 'cd'.repeat(32) }).tlsFingerprint, 'cd'.repeat(32));
  });

  it('never applies the configured remote pin to an explicit --url', () => {
    const target = resolve({ gateway: { remote: { tlsFingerprint: PIN } } }, { url: 'wss://other.example', token: 't' });
    assert.equal(target.tlsFingerprint, undefined);
  });

  it('uses wss:// and the local certificate pin when the local gateway serves TLS', () => {
    const target = resolve({ gateway: { port: 19000, tls: { enabled: true } } }, {}, { readLocalTlsFingerprint: () => PIN });
    assert.equal(target.url, 'wss://127.0.0.1:19000');
    assert.equal(target.tlsFingerprint, PIN);
  });
});
