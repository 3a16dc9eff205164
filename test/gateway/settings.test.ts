/** Settings precedence and the security rules enforced before anything listens. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { readGatewayEnv, resolveStatePaths } from '../../src/config/index.js';
import { resolveGatewaySettings } from '../../src/gateway/index.js';
import { GatewayError } from '../../src/protocol/index.js';
import { createTempStateDir } from '../helpers/gateway.js';

function paths() {
  return resolveStatePaths({ env: { CLAWGATE_STATE_DIR: createTempStateDir() } });
}

function refusal(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('resolveGatewaySettings', () => {
  it('defaults to loopback (127.0.0.1 and ::1) on 18789 with token auth', () => {
    const settings = resolveGatewaySettings({ flags: {}, env: readGatewayEnv({}), config: {}, paths: paths() });
    assert.equal(settings.port, 18789);
    assert.deepEqual(settings.listenHosts.map((h) => h.host), ['127.0.0.1', '::1']);
    assert.equal(settings.auth.mode, 'token');
  });

  it('takes the port from --port, then env, then config', () => {
    const p = paths();
    const config = { gateway: { port: 3000 } };
    assert.equal(resolveGatewaySettings({ flags: {}, env: readGatewayEnv({}), config, paths: p }).port, 3000);
    assert.equal(resolveGatewaySettings({ flags: {}, env: readGatewayEnv({ OPENCLAW_GATEWAY_PORT: '4000' }), config, paths: p }).port, 4000);
    assert.equal(resolveGatewaySettings({ flags: {}, env: readGatewayEnv({ OPENCLAW_GATEWAY_PORT: '4000', CLAWGATE_GATEWAY_PORT: '4500' }), config, paths: p }).port, 4500);
    assert.equal(resolveGatewaySettings({ flags: { port: 5000 }, env: readGatewayEnv({ OPENCLAW_GATEWAY_PORT: '4000' }), config, paths: p }).port, 5000);
  });

  it('generates a strong token once, stored with mode 0600, when none is configured', () => {
    const p = paths();
    const first = resolveGatewaySettings({ flags: {}, env: readGatewayEnv({}), config: {}, paths: p });
    const second = resolveGatewaySettings({ flags: {}, env: readGatewayEnv({}), config: {}, paths: p });
    assert.ok((first.auth.token ?? '').length >= 43);
    assert.equal(first.auth.token, second.auth.token);
    assert.equal(statSync(p.tokenPath).mode & 0o777, 0o600);
    assert.equal(statSync(p.stateDir).mode & 0o777, 0o700);
    assert.match(first.authSource, /^generated/);
  });

  for (const bind of ['lan', 'tailnet'] as const) {
    it(`refuses bind "${bind}" without a token or password (BIND_REQUIRES_AUTH)`, () => {
      const error = refusal(() => resolveGatewaySettings({ flags: { bind }, env: readGatewayEnv({}), config: {}, paths: paths() }));
      assert.equal(error.code, 'BIND_REQUIRES_AUTH');
      assert.match(error.message, new RegExp(`Refusing to bind gateway to ${bind} without auth`));
      assert.match(error.message, /gateway\.auth\.token/);
      assert.match(error.message, /gateway\.auth\.password/);
    });
  }

  it('refuses a custom non-loopback bind without auth', () => {
    const error = refusal(() => resolveGatewaySettings({ flags: {}, env: readGatewayEnv({}), config: { gateway: { bind: 'custom', customBindHost: '192.0.2.10' } }, paths: paths() }));
    assert.equal(error.code, 'BIND_REQUIRES_AUTH');
  });

  it('does not count gateway.remote.token as local auth', () => {
    const config = { gateway: { bind: 'lan' as const, remote: { url: 'ws://x', token: 'remote-only-token' } } };
    const error = refusal(() => resolveGatewaySettings({ flags: {}, env: readGatewayEnv({}), config, paths: paths() }));
    assert.equal(error.code, 'BIND_REQUIRES_AUTH');
    const local = resolveGatewaySettings({ flags: {}, env: readGatewayEnv({}), config: { gateway: { remote: { token: 'remote-only-token' } } }, paths: paths() });
    assert.notEqual(local.auth.token, 'remote-only-token');
  });

  it('accepts lan with a token from the environment', () => {
    const settings = resolveGatewaySettings({ flags: { bind: 'lan' }, env: readGatewayEnv({ OPENCLAW_GATEWAY_TOKEN: 'a-long-enough-token-value-0123456789' }), config: {}, paths: paths() });
    assert.deepEqual(settings.listenHosts.map((h) => h.host), ['0.0.0.0']);
    assert.equal(settings.auth.token, 'a-long-enough-token-value-0123456789');
    assert.equal(settings.authSource, 'OPENCLAW_GATEWAY_TOKEN');
  });

  it('accepts --auth none only on loopback', () => {
    assert.equal(resolveGatewaySettings({ flags: { auth: 'none' }, env: readGatewayEnv({}), config: {}, paths: paths() }).auth.mode, 'none');
    const error = refusal(() => resolveGatewaySettings({ flags: { auth: 'none', bind: 'lan', token: 'x' }, env: readGatewayEnv({}), config: {}, paths: paths() }));
    assert.equal(error.code, 'AUTH_NONE_REQUIRES_LOOPBACK');
  });

  it('infers password mode when only a password is configured', () => {
    const settings = resolveGatewaySettings({ flags: {}, env: readGatewayEnv({}), config: { gateway: { auth: { password: 'pw-123456' } } }, paths: paths() });
    assert.equal(settings.auth.mode, 'password');
  });

  it('refuses --auth password without a password, saying how to fix it', () => {
    const error = refusal(() => resolveGatewaySettings({ flags: { auth: 'password' }, env: readGatewayEnv({}), config: {}, paths: paths() }));
    assert.equal(error.code, 'AUTH_SECRET_MISSING');
    assert.match(error.message, /--password/);
  });

  it('resolves tailnet to 127.0.0.1 plus the 100.64/10 interface address', () => {
    const interfaces = () => ({ tailscale0: [{ address: '100.101.1.2', family: 'IPv4', internal: false, netmask: '255.192.0.0', mac: '00:00:00:00:00:00', cidr: '100.101.1.2/10' }] }) as never;
    const settings = resolveGatewaySettings({ flags: { bind: 'tailnet', token: 't-0123456789-abcdefghij-klmnop' }, env: readGatewayEnv({}), config: {}, paths: paths(), interfaces });
    assert.deepEqual(settings.listenHosts.map((h) => h.host), ['127.0.0.1', '100.101.1.2']);
  });
});
