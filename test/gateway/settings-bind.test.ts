/** Bind modes and the bind/auth refusal rules, with injected network interfaces (no real tailnet here). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { networkInterfaces } from 'node:os';
import { resolveStatePaths } from '../../src/config/index.js';
import { resolveGatewaySettings, type GatewayFlags } from '../../src/gateway/index.js';
import { GatewayError } from '../../src/protocol/index.js';
import type { ClawgateConfig } from '../../src/config/index.js';
import { createTempStateDir } from '../helpers/gateway.js';

type Interfaces = ReturnType<typeof networkInterfaces>;

const LO = { address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' } as const;
const ETH = { address: '192.168.1.20', netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:01', internal: false, cidr: '192.168.1.20/24' } as const;
const TS = { address: '100.101.102.103', netmask: '255.255.255.255', family: 'IPv4', mac: '00:00:00:00:00:00', internal: false, cidr: '100.101.102.103/32' } as const;
const TOKEN = 'tok-0123456789abcdef0123456789-strong';

function resolve(options: { flags?: GatewayFlags; config?: ClawgateConfig; interfaces?: Interfaces } = {}) {
  const paths = resolveStatePaths({ env: { CLAWGATE_STATE_DIR: createTempStateDir() } });
  return resolveGatewaySettings({
    flags: options.flags ?? {},
    env: { sources: {} },
    config: options.config ?? {},
    paths,
    interfaces: () => options.interfaces ?? { lo: [LO], eth0: [ETH] },
  });
}

function hosts(settings: ReturnType<typeof resolve>): string[] {
  return settings.listenHosts.map(({ host }) => host);
}

function assertRefused(fn: () => unknown, code: string, message: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof GatewayError);
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  });
}

describe('resolveGatewaySettings bind modes', () => {
  it('loopback (the default) listens on 127.0.0.1 and, best effort, ::1', () => {
    const settings = resolve();
    assert.deepEqual(settings.listenHosts, [
      { host: '127.0.0.1', isRequired: true },
      { host: '::1', isRequired: false },
    ]);
    assert.deepEqual(settings.warnings, []);
  });

  it('auto resolves to loopback', () => {
    assert.deepEqual(hosts(resolve({ flags: { bind: 'auto' } })), ['127.0.0.1', '::1']);
  });

  it('lan listens on 0.0.0.0 when a token is set', () => {
    assert.deepEqual(hosts(resolve({ flags: { bind: 'lan', token: TOKEN } })), ['0.0.0.0']);
  });

  it('tailnet listens on the 100.64/10 address plus 127.0.0.1', () => {
    const settings = resolve({ flags: { bind: 'tailnet', token: TOKEN }, interfaces: { lo: [LO], eth0: [ETH], tailscale0: [TS] } });
    assert.deepEqual(hosts(settings), ['127.0.0.1', '100.101.102.103']);
    assert.deepEqual(settings.warnings, []);
  });

  it('tailnet without a tailnet address falls back to loopback only, with a warning', () => {
    const settings = resolve({ flags: { bind: 'tailnet', token: TOKEN } });
    assert.deepEqual(hosts(settings), ['127.0.0.1']);
    assert.equal(settings.warnings.length, 1);
    assert.match(settings.warnings[0] ?? '', /no 100\.64\.0\.0\/10 address was found: listening on 127\.0\.0\.1 only/);
  });

  it('tailnet ignores a CGNAT address on an internal interface and addresses outside 100.64/10', () => {
    const settings = resolve({
      flags: { bind: 'tailnet', token: TOKEN },
      interfaces: { lo: [LO, { ...TS, internal: true }], eth0: [{ ...ETH, address: '100.128.0.1' }] },
    });
    assert.deepEqual(hosts(settings), ['127.0.0.1']);
  });

  it('custom listens on the custom host plus a required 127.0.0.1', () => {
    const settings = resolve({ flags: { bind: 'custom', token: TOKEN }, config: { gateway: { customBindHost: '192.168.1.20' } } });
    assert.deepEqual(settings.listenHosts, [
      { host: '192.168.1.20', isRequired: true },
      { host: '127.0.0.1', isRequired: true },
    ]);
  });

  it('custom 0.0.0.0 and custom 127.0.0.1 get no second listener', () => {
    assert.deepEqual(hosts(resolve({ flags: { bind: 'custom', token: TOKEN }, config: { gateway: { customBindHost: '0.0.0.0' } } })), ['0.0.0.0']);
    assert.deepEqual(hosts(resolve({ flags: { bind: 'custom' }, config: { gateway: { customBindHost: '127.0.0.1' } } })), ['127.0.0.1']);
  });

  it('custom refuses a host that is not a dotted IPv4 with CUSTOM_BIND_HOST_INVALID', () => {
    for (const host of ['localhost', '::', '10.0.0.256', '010.0.0.1', '10.0.0']) {
      assertRefused(() => resolve({ flags: { bind: 'custom', token: TOKEN }, config: { gateway: { customBindHost: host } } }), 'CUSTOM_BIND_HOST_INVALID', /is not a dotted IPv4 address/);
    }
  });

  it('custom without customBindHost is CONFIG_INVALID naming the key', () => {
    assertRefused(() => resolve({ flags: { bind: 'custom', token: TOKEN } }), 'CONFIG_INVALID', /gateway\.customBindHost/);
  });
});

describe('resolveGatewaySettings non-loopback auth rule', () => {
  for (const bind of ['lan', 'tailnet'] as const) {
    it(`refuses ${bind} without a token or password, naming both fixes`, () => {
      assertRefused(() => resolve({ flags: { bind } }), 'BIND_REQUIRES_AUTH', new RegExp(`Refusing to bind gateway to ${bind} without auth\\. Fix: set gateway\\.auth\\.token .* gateway\\.auth\\.password`));
    });
  }

  it('refuses custom on a LAN address without auth', () => {
    assertRefused(() => resolve({ flags: { bind: 'custom' }, config: { gateway: { customBindHost: '192.168.1.20' } } }), 'BIND_REQUIRES_AUTH', /custom without auth/);
  });

  it('does not count gateway.remote.token as local auth', () => {
    assertRefused(() => resolve({ flags: { bind: 'lan' }, config: { gateway: { remote: { token: TOKEN } } } }), 'BIND_REQUIRES_AUTH', /lan without auth/);
  });

  it('accepts lan with a password', () => {
    const settings = resolve({ flags: { bind: 'lan', auth: 'password', password: 'correct horse battery' } });
    assert.equal(settings.auth.mode, 'password');
  });
});
