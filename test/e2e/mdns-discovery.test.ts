/**
 * mDNS between two network namespaces: a gateway bound to `lan` in one advertises `_openclaw-gw._tcp`
 * (ciao), `clawgate gateway discover` in the other finds it, with a minimal TXT record; a loopback
 * gateway and `discovery.mdns.mode: "off"` advertise nothing. Needs root; skips cleanly otherwise.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLAWGATE_BIN } from '../helpers/cli.js';
import { createTempStateDir } from '../helpers/gateway.js';
import { createNamespacePair, type NamespacePair } from '../helpers/netns.js';

const isRoot = process.getuid?.() === 0;
const hasIp = spawnSync('ip', ['-V']).status === 0;
const skipReason = isRoot && hasIp ? false : 'SKIP test/e2e/mdns-discovery: needs root and iproute2 (network namespaces); run as root or in CI';
if (skipReason !== false) console.log(skipReason);

const TOKEN = 'mdns-e2e-token-0123456789abcdef01';
const PORT = 28789;

interface Beacon {
  instanceName: string;
  port: number;
  txt: Record<string, string>;
  wsUrl?: string;
}

function startGateway(pair: NamespacePair, args: string[], config?: object): Promise<ChildProcess> {
  const stateDir = createTempStateDir();
  if (config !== undefined) writeFileSync(join(stateDir, 'clawgate.json'), JSON.stringify(config), { mode: 0o600 });
  const child = spawn(pair.exec(pair.host)[0]!, [...pair.exec(pair.host).slice(1), process.execPath, CLAWGATE_BIN, 'gateway', 'run', '--port', String(PORT), ...args], {
    env: { PATH: process.env['PATH'], CLAWGATE_STATE_DIR: stateDir, CLAWGATE_GATEWAY_TOKEN: TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway not ready:\n${output}`)), 15_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      // Listening is logged before advertising starts; wait for the mDNS line when one is expected.
      if (/mDNS: advertising|gateway listening/.test(output) && (args.includes('lan') === /mDNS: advertising/.test(output) || config !== undefined)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`gateway exited ${code}:\n${output}`)));
  });
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

function discover(pair: NamespacePair): Promise<Beacon[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(pair.exec(pair.laptop)[0]!, [...pair.exec(pair.laptop).slice(1), process.execPath, CLAWGATE_BIN, 'gateway', 'discover', '--json', '--timeout', '2500'], {
      env: { PATH: process.env['PATH'], CLAWGATE_STATE_DIR: createTempStateDir() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`discover exited ${code}: ${stderr}`));
      resolve((JSON.parse(stdout) as { beacons: Beacon[] }).beacons);
    });
  });
}

describe('mDNS discovery between two hosts', { skip: skipReason }, () => {
  let pair: NamespacePair;
  before(() => {
    pair = createNamespacePair();
  });
  after(() => {
    pair?.destroy();
  });

  it('finds a lan-bound gateway, with a URL from SRV + A and a minimal TXT', async () => {
    const gateway = await startGateway(pair, ['--bind', 'lan']);
    try {
      const beacons = await discover(pair);
      assert.equal(beacons.length, 1, JSON.stringify(beacons));
      const beacon = beacons[0]!;
      assert.equal(beacon.wsUrl, `ws://${pair.hostAddress}:${PORT}`);
      assert.deepEqual(beacon.txt, { role: 'gateway', transport: 'gateway', gatewayPort: String(PORT) }, 'no paths, users, pins or ssh ports');
      assert.match(beacon.instanceName, /\._openclaw-gw\._tcp\.local$/);
    } finally {
      await stop(gateway);
    }
  });

  it('advertises nothing for a loopback gateway or with discovery.mdns.mode "off"', async () => {
    const loopback = await startGateway(pair, []);
    try {
      assert.deepEqual(await discover(pair), []);
    } finally {
      await stop(loopback);
    }
    const off = await startGateway(pair, ['--bind', 'lan'], { discovery: { mdns: { mode: 'off' } } });
    try {
      assert.deepEqual(await discover(pair), []);
    } finally {
      await stop(off);
    }
  });
});
