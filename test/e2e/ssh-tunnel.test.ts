/**
 * End to end with REAL OpenSSH: a gateway bound to loopback on one simulated host, reached from another
 * only through `clawgate tunnel`. Two network namespaces ("host", "laptop") joined by a veth pair; in
 * "host" Debian's sshd (keys generated here) listens on the veth address and clawgate on 127.0.0.1.
 * If namespaces are unavailable the test says so and falls back to sshd on a loopback port (then the
 * "direct connection fails" step cannot be shown). Needs root, openssh-server and iproute2; it skips,
 * with the reason printed, only when not root.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_ENTRY, pickLocalPort, type TunnelState } from '../../src/remote/index.js';
import { createNamespacePair, type NamespacePair } from '../helpers/netns.js';

const TOKEN = 'e2e-token-0123456789abcdef0123';
const SSHD = '/usr/sbin/sshd';
const isRoot = process.getuid?.() === 0;
const skipReason = isRoot ? false : 'SKIP test/e2e/ssh-tunnel: needs root (network namespaces, sshd); run as root or in CI';
if (skipReason !== false) console.log(skipReason);

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (prefix = `ip netns exec <ns>` or nothing). */
function run(prefix: string[], args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<Result> {
  const [command = '', ...rest] = [...prefix, ...args];
  return new Promise((resolve) => {
    const child = spawn(command, rest, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts a long-running process and resolves once its output matches `ready`. */
function startDaemon(prefix: string[], args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<{ child: ChildProcess; output: () => string }> {
  const [command = '', ...rest] = [...prefix, ...args];
  const child = spawn(command, rest, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not become ready:\n${output}`)), 15_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve({ child, output: () => output });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited (${code}) before it was ready:\n${output}`));
    });
  });
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

describe('ssh tunnel end to end (real OpenSSH)', { skip: skipReason, timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'clawgate-e2e-ssh-'));
  const hostState = join(dir, 'host-state');
  const laptopState = join(dir, 'laptop-state');
  let pair: NamespacePair | undefined;
  let hostAddress = '127.0.0.1';
  let sshPort = 22;
  let gatewayPort = 18789;
  let localPort = 18789;
  let sshd: ChildProcess | undefined;
  let sshdNoForward: ChildProcess | undefined;
  let noForwardPort = 2222;
  let gateway: ChildProcess | undefined;
  const onHost = (): string[] => (pair === undefined ? [] : pair.exec(pair.host));
  const onLaptop = (): string[] => (pair === undefined ? [] : pair.exec(pair.laptop));
  const cli = (prefix: string[], stateDir: string, args: string[]) =>
    run(prefix, [process.execPath, CLI_ENTRY, ...args], { ...process.env, CLAWGATE_STATE_DIR: stateDir, CLAWGATE_GATEWAY_TOKEN: '' });
  const laptop = (args: string[], stateDir = laptopState) => cli(onLaptop(), stateDir, args);
  const tunnelState = (): TunnelState | undefined => {
    const tunnels = join(laptopState, 'tunnels');
    const file = existsSync(tunnels) ? readdirSync(tunnels).find((name) => name.endsWith('.json')) : undefined;
    return file === undefined ? undefined : (JSON.parse(readFileSync(join(tunnels, file), 'utf8')) as TunnelState);
  };
  const writeLaptopConfig = (stateDir: string, overrides: Record<string, unknown> = {}): void => {
    mkdirSync(stateDir, { recursive: true });
    const ssh = {
      target: `root@${hostAddress}${sshPort === 22 ? '' : `:${sshPort}`}`,
      identity: join(dir, 'client_key'),
      knownHostsFile: join(dir, 'known_hosts'),
      remotePort: gatewayPort,
      localPort,
      hostKeyPolicy: 'strict',
      ...overrides,
    };
    writeFileSync(join(stateDir, 'clawgate.json'), JSON.stringify({ gateway: { mode: 'remote', remote: { token: TOKEN, ssh } } }));
  };
  const startGateway = async (): Promise<void> => {
    const started = await startDaemon(
      onHost(),
      [process.execPath, CLI_ENTRY, 'gateway', 'run', '--port', String(gatewayPort), '--token', TOKEN],
      { ...process.env, CLAWGATE_STATE_DIR: hostState },
      /gateway listening on/,
    );
    gateway = started.child;
  };

  before(async () => {
    try {
      pair = createNamespacePair();
      hostAddress = pair.hostAddress;
      console.log(`e2e: network namespaces ${pair.host} (${pair.hostAddress}) and ${pair.laptop} (${pair.laptopAddress})`);
    } catch (error) {
      pair = undefined;
      sshPort = await pickLocalPort(0);
      gatewayPort = await pickLocalPort(0);
      localPort = await pickLocalPort(0);
      console.log(`e2e FALLBACK: network namespaces unavailable (${(error as Error).message.trim()}); sshd on 127.0.0.1:${sshPort} instead, so "direct connection fails" is not shown`);
    }
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'client_key')]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'stranger_key')]);
    writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')), { mode: 0o600 });
    const hostPub = readFileSync(join(dir, 'host_key.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
    writeFileSync(join(dir, 'known_hosts'), `${sshPort === 22 ? hostAddress : `[${hostAddress}]:${sshPort}`} ${hostPub}\n`);
    writeFileSync(join(dir, 'empty_known_hosts'), '');
    writeFileSync(
      join(dir, 'sshd_config'),
      [
        `Port ${sshPort}`,
        `ListenAddress ${hostAddress}`,
        `HostKey ${join(dir, 'host_key')}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'StrictModes no', // the temp dir is not a home directory
        'UsePAM no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        'AllowTcpForwarding local',
        'LogLevel VERBOSE',
      ].join('\n') + '\n',
    );
    chmodSync(join(dir, 'client_key'), 0o600);
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // privilege separation directory
    const started = await startDaemon(onHost(), [SSHD, '-D', '-e', '-f', join(dir, 'sshd_config')], process.env, /Server listening on/);
    sshd = started.child;
    // A second sshd on the same host that refuses port forwarding, for the "forward refused" case.
    noForwardPort = sshPort === 22 ? 2222 : await pickLocalPort(0);
    const noForwardConfig = readFileSync(join(dir, 'sshd_config'), 'utf8')
      .replace(`Port ${sshPort}`, `Port ${noForwardPort}`)
      .replace('AllowTcpForwarding local', 'AllowTcpForwarding no')
      .replace(join(dir, 'sshd.pid'), join(dir, 'sshd-noforward.pid'));
    writeFileSync(join(dir, 'sshd_noforward_config'), noForwardConfig);
    writeFileSync(join(dir, 'known_hosts'), `[${hostAddress}]:${noForwardPort} ${hostPub}\n`, { flag: 'a' });
    sshdNoForward = (await startDaemon(onHost(), [SSHD, '-D', '-e', '-f', join(dir, 'sshd_noforward_config')], process.env, /Server listening on/)).child;
    await startGateway();
    writeLaptopConfig(laptopState);
  });

  after(async () => {
    if (existsSync(laptopState)) await laptop(['tunnel', 'down']);
    await stopProcess(gateway);
    await stopProcess(sshd);
    await stopProcess(sshdNoForward);
    pair?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('cannot reach the loopback-bound gateway directly from the laptop', async (t) => {
    if (pair === undefined) return t.skip('fallback mode: both ends share one loopback');
    const direct = await laptop(['health', '--url', `ws://${hostAddress}:${gatewayPort}`, '--token', TOKEN, '--timeout', '3000']);
    assert.equal(direct.code, 3, direct.stderr);
    assert.match(direct.stderr, /ECONNREFUSED/);
  });

  it('tunnel up brings the tunnel up and checks health through it', async () => {
    const up = await laptop(['tunnel', 'up']);
    assert.equal(up.code, 0, up.stdout + up.stderr);
    assert.match(up.stdout, new RegExp(`SSH tunnel up: ws://127\\.0\\.0\\.1:${localPort} -> root@${hostAddress.replace(/\./g, '\\.')}`));
    assert.match(up.stdout, /Gateway health through the tunnel: ok/);
    const state = tunnelState();
    assert.equal(state?.state, 'up');
    assert.equal(state?.localPort, localPort);
  });

  it('runs health and status --deep through the tunnel (gateway.mode remote)', async () => {
    const health = await laptop(['health']);
    assert.equal(health.code, 0, health.stderr);
    assert.match(health.stdout, /Gateway Health\nOK/);
    const deep = await laptop(['status', '--deep']);
    assert.equal(deep.code, 0, deep.stdout + deep.stderr);
    assert.match(deep.stdout, /ok {3}tunnel {4}ssh tunnel up: ws:\/\/127\.0\.0\.1:\d+ -> root@/);
    assert.match(deep.stdout, /ok {3}rpc {7}health answered/);
    assert.match(deep.stdout, /Result: gateway reachable and healthy/);
    // Every gateway-calling command goes through the tunnel, not only health and status.
    const devices = await laptop(['devices', 'list']);
    assert.equal(devices.code, 0, devices.stderr);
    assert.match(devices.stdout, /Paired \(\d+\)/);
    const nodes = await laptop(['nodes', 'list', '--json']);
    assert.equal(nodes.code, 0, nodes.stderr);
    assert.ok(Array.isArray(JSON.parse(nodes.stdout).nodes));
  });

  it('restores the tunnel when ssh is killed', async () => {
    const before = tunnelState();
    assert.ok(before?.sshPid !== undefined);
    process.kill(before.sshPid, 'SIGKILL');
    const after = await waitFor('a new ssh process', () => {
      const state = tunnelState();
      return state?.state === 'up' && state.sshPid !== before.sshPid ? state : undefined;
    });
    assert.equal(after.restarts, 1);
    assert.equal(after.localPort, before.localPort, 'the restarted tunnel keeps its local port');
    const health = await laptop(['health']);
    assert.equal(health.code, 0, health.stderr);
  });

  it('says the tunnel is up but the gateway is down when the gateway stops', async () => {
    await stopProcess(gateway);
    const deep = await laptop(['status', '--deep', '--timeout', '5000']);
    assert.equal(deep.code, 3, deep.stdout + deep.stderr);
    assert.match(deep.stdout, /ok {3}tunnel {4}ssh tunnel up/);
    assert.match(deep.stdout, /FAIL handshake tunnel up, but nothing listens on the gateway port on the remote host \(gateway down\?\) \(ssh: channel \d+: open failed: connect failed: Connection refused\)/);
    assert.match(deep.stdout, /fix: start the gateway on the remote host/);
    await startGateway();
    assert.equal((await laptop(['health'])).code, 0, 'the same tunnel serves the restarted gateway');
  });

  it('tunnel down stops the supervisor and ssh', async () => {
    const state = tunnelState();
    const down = await laptop(['tunnel', 'down']);
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, /SSH tunnel stopped/);
    assert.equal(tunnelState(), undefined);
    await waitFor('the supervisor to exit', () => {
      try {
        process.kill(state?.supervisorPid ?? -1, 0);
        return undefined;
      } catch {
        return true;
      }
    });
    const status = await laptop(['tunnel', 'status']);
    assert.equal(status.code, 3);
    assert.match(status.stdout, /: down/);
  });

  it('names an unknown host key in plain words and leaves nothing running', async () => {
    const stateDir = join(dir, 'laptop-unknown-key');
    writeLaptopConfig(stateDir, { knownHostsFile: join(dir, 'empty_known_hosts') });
    const up = await laptop(['tunnel', 'up'], stateDir);
    assert.equal(up.code, 3, up.stdout + up.stderr);
    assert.match(up.stderr, /failed: host key unknown: the server is not in known_hosts/);
    assert.match(up.stderr, /Fix: connect once with `ssh <target>`/);
    assert.deepEqual(readdirSync(join(stateDir, 'tunnels')).filter((name) => !name.endsWith('.tmp')), []);
  });

  it('names a refused key in plain words', async () => {
    const stateDir = join(dir, 'laptop-wrong-key');
    writeLaptopConfig(stateDir, { identity: join(dir, 'stranger_key') });
    const up = await laptop(['tunnel', 'up'], stateDir);
    assert.equal(up.code, 3, up.stdout + up.stderr);
    assert.match(up.stderr, /failed: authentication failed: the server refused the key/);
  });

  it('names a port forward refused by sshd in plain words', async () => {
    const stateDir = join(dir, 'laptop-no-forward');
    writeLaptopConfig(stateDir, { target: `root@${hostAddress}:${noForwardPort}`, localPort: await pickLocalPort(0) });
    try {
      const up = await laptop(['tunnel', 'up', '--timeout', '5000'], stateDir);
      assert.equal(up.code, 3, up.stdout + up.stderr);
      assert.match(up.stdout, /SSH tunnel up/);
      assert.match(up.stdout, /Gateway health through the tunnel: FAILED/);
      const deep = await laptop(['status', '--deep', '--timeout', '5000'], stateDir);
      assert.equal(deep.code, 3, deep.stdout + deep.stderr);
      assert.match(deep.stdout, /FAIL handshake port forward refused by the server \(AllowTcpForwarding is off for this user\) \(ssh: channel \d+: open failed: administratively prohibited/);
      assert.match(deep.stdout, /fix: allow TCP forwarding/);
    } finally {
      await laptop(['tunnel', 'down'], stateDir);
    }
  });

  it('gateway probe --ssh probes through a temporary tunnel', async () => {
    const stateDir = join(dir, 'laptop-probe');
    writeLaptopConfig(stateDir);
    const target = `root@${hostAddress}${sshPort === 22 ? '' : `:${sshPort}`}`;
    const probe = await laptop(['gateway', 'probe', '--ssh', target, '--ssh-identity', join(dir, 'client_key'), '--json'], stateDir);
    const report = JSON.parse(probe.stdout) as { ok: boolean; targets: { id: string; ok: boolean }[] };
    assert.equal(report.targets[0]?.id, `Remote over SSH (${target})`);
    assert.equal(report.targets[0]?.ok, true, probe.stdout);
  });

  it('refuses bind lan without a token on the host (exit 78)', async () => {
    const refused = await cli(onHost(), join(dir, 'host-lan'), ['gateway', 'run', '--bind', 'lan', '--port', String(await pickLocalPort(0))]);
    assert.equal(refused.code, 78, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /Refusing to bind gateway to lan without auth\. Fix: set gateway\.auth\.token .*gateway\.auth\.password/);
  });
});
