/**
 * @module bench/remote — RPC latency direct vs through an SSH tunnel vs over TLS, and tunnel bring-up time.
 *
 * One run, one machine: a gateway on loopback (plain and TLS), a real sshd on a loopback port (keys
 * made here) and the real ssh client forwarding to the plain gateway. Each mode keeps one connected
 * client and times sequential `health` RPCs after a warm-up. Bring-up is ssh spawn → local port
 * listening → first `health` answered, repeated. Prints JSON. The SSH parts need sshd (and root for
 * /run/sshd); without them they are reported as skipped with the reason.
 *
 * Run: npm run build && node dist/bench/remote.js [--rpcs 2000] [--bringups 5]
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayClient } from '../src/client/index.js';
import { resolveStatePaths } from '../src/config/index.js';
import { startGateway, type StartedGateway } from '../src/daemon/index.js';
import { parseSshTarget, pickLocalPort, startSshTunnel, type SshTunnelSpec } from '../src/remote/index.js';

const TOKEN = 'bench-token-0123456789abcdef0123';

function argNumber(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  const value = index === -1 ? NaN : Number(process.argv[index + 1]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, index)] ?? 0) * 1000) / 1000;
}

function summarize(samples: number[]): { n: number; p50Ms: number; p99Ms: number; meanMs: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, v) => sum + v, 0) / Math.max(1, sorted.length);
  return { n: sorted.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), meanMs: Math.round(mean * 1000) / 1000 };
}

async function measureRpc(url: string, rpcs: number, tlsFingerprint?: string): Promise<ReturnType<typeof summarize>> {
  const client = new GatewayClient({ url, token: TOKEN, scopes: ['operator.read'], tlsFingerprint });
  await client.connect();
  try {
    for (let i = 0; i < Math.min(200, rpcs); i++) await client.request('health', {});
    const samples: number[] = [];
    for (let i = 0; i < rpcs; i++) {
      const startedAt = performance.now();
      await client.request('health', {});
      samples.push(performance.now() - startedAt);
    }
    return summarize(samples);
  } finally {
    client.close();
  }
}

async function startBenchGateway(config: Record<string, unknown>): Promise<{ started: StartedGateway; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'clawgate-bench-'));
  const paths = resolveStatePaths({ env: { CLAWGATE_STATE_DIR: dir } });
  writeFileSync(paths.configPath, JSON.stringify(config));
  const started = await startGateway({ paths, flags: { port: 0, token: TOKEN }, env: { CLAWGATE_STATE_DIR: dir }, logLevel: 'warn' });
  return { started, dir };
}

interface Sshd {
  process: ChildProcess;
  port: number;
  spec: (remotePort: number) => SshTunnelSpec;
  dir: string;
}

async function startSshd(): Promise<Sshd | string> {
  const sshdPath = '/usr/sbin/sshd';
  if (!existsSync(sshdPath)) return 'sshd not installed (apt-get install openssh-server)';
  if (process.getuid?.() !== 0) return 'needs root for sshd (/run/sshd)';
  const dir = mkdtempSync(join(tmpdir(), 'clawgate-bench-sshd-'));
  for (const name of ['host_key', 'client_key']) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, name)]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')), { mode: 0o600 });
  const port = await pickLocalPort(0);
  writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${readFileSync(join(dir, 'host_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
  writeFileSync(
    join(dir, 'sshd_config'),
    [`Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${join(dir, 'host_key')}`, `PidFile ${join(dir, 'sshd.pid')}`, `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`, 'StrictModes no', 'UsePAM no', 'PasswordAuthentication no', 'PermitRootLogin prohibit-password', 'AllowTcpForwarding local', ''].join('\n'),
  );
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const child = spawn(sshdPath, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Server listening')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`sshd exited ${code}: ${output}`)));
  });
  return {
    process: child,
    port,
    dir,
    spec: (remotePort) => ({
      target: parseSshTarget(`root@127.0.0.1:${port}`),
      identity: join(dir, 'client_key'),
      knownHostsFile: join(dir, 'known_hosts'),
      remotePort,
      localPort: remotePort + 1,
      hostKeyPolicy: 'strict',
    }),
  };
}

async function main(): Promise<void> {
  const rpcs = argNumber('--rpcs', 2000);
  const bringups = argNumber('--bringups', 5);
  const plain = await startBenchGateway({});
  const tls = await startBenchGateway({ gateway: { tls: { enabled: true } } });
  const result: Record<string, unknown> = {
    bench: 'remote',
    node: process.version,
    cpus: cpus().length,
    rpcsPerMode: rpcs,
    method: 'health',
  };
  try {
    result['direct'] = await measureRpc(`ws://127.0.0.1:${plain.started.server.port}`, rpcs);
    result['tls'] = await measureRpc(`wss://127.0.0.1:${tls.started.server.port}`, rpcs, tls.started.tls?.fingerprintSha256);
    const sshd = await startSshd();
    if (typeof sshd === 'string') {
      result['sshTunnel'] = { skipped: sshd };
      result['tunnelBringUp'] = { skipped: sshd };
    } else {
      try {
        const spec = sshd.spec(plain.started.server.port);
        const tunnel = await startSshTunnel(spec);
        try {
          result['sshTunnel'] = await measureRpc(`ws://127.0.0.1:${tunnel.localPort}`, rpcs);
        } finally {
          await tunnel.stop();
        }
        const listenMs: number[] = [];
        const firstHealthMs: number[] = [];
        for (let i = 0; i < bringups; i++) {
          const startedAt = performance.now();
          const next = await startSshTunnel(spec);
          listenMs.push(performance.now() - startedAt);
          const client = new GatewayClient({ url: `ws://127.0.0.1:${next.localPort}`, token: TOKEN, scopes: ['operator.read'] });
          await client.connect();
          await client.request('health', {});
          firstHealthMs.push(performance.now() - startedAt);
          client.close();
          await next.stop();
        }
        result['tunnelBringUp'] = { runs: bringups, listening: summarize(listenMs), firstHealth: summarize(firstHealthMs) };
      } finally {
        sshd.process.kill('SIGTERM');
        rmSync(sshd.dir, { recursive: true, force: true });
      }
    }
  } finally {
    await plain.started.server.stop('bench done');
    await tls.started.server.stop('bench done');
    rmSync(plain.dir, { recursive: true, force: true });
    rmSync(tls.dir, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench/remote failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
