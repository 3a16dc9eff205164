/** gateway/discovery: when to advertise, what the TXT record may say, which interfaces carry it. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { networkInterfaces } from 'node:os';
import { advertisingInterfaces, discoveryTxt, shouldAdvertise } from '../../src/gateway/discovery.js';
import { collectBeacons } from '../../src/cli/discover.js';

const loopback = { bind: 'loopback' as const, listenHosts: [{ host: '127.0.0.1', isRequired: true }, { host: '::1', isRequired: false }] };
const lan = { bind: 'lan' as const, listenHosts: [{ host: '0.0.0.0', isRequired: true }] };

describe('mDNS advertising policy', () => {
  it('auto advertises only a non-loopback, non-tailnet bind; minimal always; off never', () => {
    assert.equal(shouldAdvertise('auto', loopback), false);
    assert.equal(shouldAdvertise('auto', lan), true);
    assert.equal(shouldAdvertise('auto', { bind: 'tailnet', listenHosts: [{ host: '100.64.0.1', isRequired: true }] }), false);
    assert.equal(shouldAdvertise('minimal', loopback), true);
    assert.equal(shouldAdvertise('off', lan), false);
  });

  it('TXT carries role, transport, port and TLS on/off only: never a fingerprint', () => {
    assert.deepEqual(discoveryTxt({ port: 18789, isTls: false }), { role: 'gateway', transport: 'gateway', gatewayPort: '18789' });
    assert.deepEqual(discoveryTxt({ port: 1, isTls: true }), { role: 'gateway', transport: 'gateway', gatewayPort: '1', gatewayTls: '1' });
  });

  it('picks every external interface for 0.0.0.0, else the ones carrying the bound address', () => {
    const entry = (address: string, internal = false) => ({ address, internal, family: 'IPv4', netmask: '255.255.255.0', mac: '00:00:00:00:00:00', cidr: null }) as const;
    const interfaces = { lo: [entry('127.0.0.1', true)], eth0: [entry('192.168.1.5')], 'veth0': [entry('10.0.0.1')] } as unknown as ReturnType<typeof networkInterfaces>;
    assert.deepEqual(advertisingInterfaces(['0.0.0.0'], interfaces), ['eth0', 'veth0']);
    assert.deepEqual(advertisingInterfaces(['10.0.0.1'], interfaces), ['veth0']);
  });
});

describe('discovery answers', () => {
  it('builds the URL from SRV + A, not from TXT', () => {
    const beacons = collectBeacons([
      { name: '_openclaw-gw._tcp.local', type: 'PTR', data: 'gw._openclaw-gw._tcp.local' },
      { name: 'gw._openclaw-gw._tcp.local', type: 'SRV', data: { target: 'box.local', port: 19000 } },
      { name: 'gw._openclaw-gw._tcp.local', type: 'TXT', data: [Buffer.from('gatewayPort=1'), Buffer.from('gatewayTls=1')] },
      { name: 'box.local', type: 'A', data: '192.168.1.9' },
    ]);
    assert.deepEqual(beacons, [{ instanceName: 'gw._openclaw-gw._tcp.local', host: 'box.local', port: 19000, addresses: ['192.168.1.9'], txt: { gatewayPort: '1', gatewayTls: '1' }, wsUrl: 'wss://192.168.1.9:19000' }]);
  });
});
