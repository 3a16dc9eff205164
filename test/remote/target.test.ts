/** The seed's credential rules for choosing a gateway target. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readGatewayEnv, type ClawgateConfig } from '../../src/config/index.js';
import { GatewayError } from '../../src/protocol/index.js';
import { resolveTarget, type TargetFlags } from '../../src/remote/index.js';

function target(flags: TargetFlags, env: NodeJS.ProcessEnv = {}, config: ClawgateConfig = {}, generated?: string) {
  return resolveTarget({ flags, env: readGatewayEnv(env), config, readGeneratedToken: () => generated });
}

describe('resolveTarget', () => {
  it('defaults to ws://127.0.0.1:18789 with the generated local token', () => {
    const t = target({}, {}, {}, 'generated-token');
    assert.equal(t.url, 'ws://127.0.0.1:18789');
    assert.equal(t.token, 'generated-token');
    assert.equal(t.source, 'local loopback');
  });

  it('refuses --url without explicit credentials, even when config and env have some', () => {
    assert.throws(
      () => target({ url: 'wss://gw.example:443' }, { OPENCLAW_GATEWAY_TOKEN: 'env-token' }, { gateway: { auth: { token: 'cfg' }, remote: { token: 'rem' } } }, 'gen'),
      (error: unknown) => error instanceof GatewayError && error.code === 'URL_OVERRIDE_REQUIRES_CREDENTIALS',
    );
  });

  it('sends only the explicit credential to --url', () => {
    const t = target({ url: 'ws://127.0.0.1:9999', password: 'pw' }, { OPENCLAW_GATEWAY_TOKEN: 'env-token' });
    assert.equal(t.password, 'pw');
    assert.equal(t.token, undefined);
    assert.equal(t.credentialSource, '--password');
  });

  it('uses env credentials only for an env URL override (config ignored)', () => {
    const t = target({}, { OPENCLAW_GATEWAY_URL: 'ws://10.1.1.1:18789', OPENCLAW_GATEWAY_TOKEN: 'env-token' }, { gateway: { auth: { token: 'cfg' } } });
    assert.equal(t.url, 'ws://10.1.1.1:18789');
    assert.equal(t.token, 'env-token');
    assert.throws(() => target({}, { OPENCLAW_GATEWAY_URL: 'ws://10.1.1.1:18789' }, { gateway: { auth: { token: 'cfg' } } }));
  });

  it('makes gateway.remote.url the default in remote mode, with gateway.remote.token', () => {
    const t = target({}, {}, { gateway: { mode: 'remote', remote: { url: 'ws://127.0.0.1:28789', token: 'remote-token' }, auth: { token: 'local' } } });
    assert.equal(t.url, 'ws://127.0.0.1:28789');
    assert.equal(t.token, 'remote-token');
    assert.equal(t.isRemote, true);
  });

  it('never sends gateway.remote.token to the local gateway', () => {
    const t = target({}, {}, { gateway: { remote: { url: 'ws://x:1', token: 'remote-token' } } });
    assert.equal(t.url, 'ws://127.0.0.1:18789');
    assert.notEqual(t.token, 'remote-token');
  });

  it('never sends the local gateway secret to a remote target', () => {
    const t = target({}, {}, { gateway: { mode: 'remote', remote: { url: 'ws://remote:18789' }, auth: { token: 'local-secret' } } });
    assert.notEqual(t.token, 'local-secret');
  });

  it('fails clearly in remote mode without gateway.remote.url', () => {
    assert.throws(() => target({}, {}, { gateway: { mode: 'remote' } }), (error: unknown) => error instanceof GatewayError && error.code === 'REMOTE_URL_MISSING');
  });

  it('honours --port for the local target', () => {
    assert.equal(target({ port: 19001 }).url, 'ws://127.0.0.1:19001');
  });
});
