/**
 * One ssh process: the exact command line, and start-up against a FAKE spawner. The fake stands in
 * for ssh faithfully where it matters here: it either opens the forwarded local port (a real TCP
 * listener) or writes ssh's own error text to stderr and exits 255. Real ssh runs in test/e2e.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:net';
import { PassThrough } from 'node:stream';
import { buildSshArgs, parseSshTarget, pickLocalPort, startSshTunnel, type SpawnedProcess, type Spawner, type SshTunnelSpec } from '../../src/remote/index.js';
import { GatewayError } from '../../src/protocol/index.js';

const spec: SshTunnelSpec = { target: parseSshTarget('me@gw.example:2222'), remotePort: 18789, localPort: 18789, hostKeyPolicy: 'strict' };

class FakeSsh extends EventEmitter implements SpawnedProcess {
  readonly pid = 4242;
  readonly stderr = new PassThrough();
  server: Server | undefined;
  killedWith: NodeJS.Signals | undefined;
  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    this.killedWith = signal;
    this.server?.close();
    setImmediate(() => this.emit('exit', null, signal));
    return true;
  }
}

function fakeSpawner(behaviour: 'listen' | { stderr: string }): { spawner: Spawner; calls: { command: string; args: readonly string[] }[]; last: () => FakeSsh } {
  const calls: { command: string; args: readonly string[] }[] = [];
  let last: FakeSsh | undefined;
  const spawner: Spawner = (command, args) => {
    calls.push({ command, args });
    const fake = new FakeSsh();
    last = fake;
    const forward = args[args.indexOf('-L') + 1] ?? '';
    const localPort = Number(forward.split(':')[1]);
    setImmediate(() => {
      if (behaviour === 'listen') {
        fake.server = createServer((socket) => socket.end()).listen(localPort, '127.0.0.1');
      } else {
        fake.stderr.write(behaviour.stderr);
        fake.emit('exit', 255, null);
      }
    });
    return fake;
  };
  return { spawner, calls, last: () => last as FakeSsh };
}

describe('buildSshArgs', () => {
  it('builds the supervised forward with batch mode, keepalives and no connection sharing', () => {
    assert.deepEqual(buildSshArgs({ ...spec, identity: '/k/id', knownHostsFile: '/k/known' }, 40000), [
      '-N',
      '-o', 'BatchMode=yes',
      '-o', 'ExitOnForwardFailure=yes',
      '-o', 'ServerAliveInterval=15',
      '-o', 'ServerAliveCountMax=3',
      '-o', 'TCPKeepAlive=yes',
      '-o', 'ConnectTimeout=10',
      '-o', 'ControlMaster=no',
      '-o', 'ControlPath=none',
      '-o', 'ControlPersist=no',
      '-L', '127.0.0.1:40000:127.0.0.1:18789',
      '-p', '2222',
      '-o', 'StrictHostKeyChecking=yes',
      '-o', 'UserKnownHostsFile=/k/known',
      '-o', 'IdentitiesOnly=yes', '-i', '/k/id',
      '--', 'me@gw.example',
    ]);
  });
  it('leaves host key checking to OpenSSH with hostKeyPolicy "openssh" and agents usable without an identity', () => {
    const args = buildSshArgs({ ...spec, hostKeyPolicy: 'openssh' }, 40000);
    assert.equal(args.includes('StrictHostKeyChecking=yes'), false);
    assert.equal(args.includes('IdentitiesOnly=yes'), false);
  });
});

describe('pickLocalPort', () => {
  it('keeps the preferred port when free and picks another when it is taken', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => blocker.once('listening', resolve));
    const taken = (blocker.address() as { port: number }).port;
    const picked = await pickLocalPort(taken);
    assert.notEqual(picked, taken);
    blocker.close();
    await new Promise((resolve) => blocker.once('close', resolve));
    assert.equal(await pickLocalPort(taken), taken);
  });
});

describe('startSshTunnel', () => {
  it('resolves once the forwarded local port listens, and stop() sends SIGTERM', async () => {
    const fake = fakeSpawner('listen');
    // The fake's listener lives in this test process, so ownership is vouched for by hand here.
    const tunnel = await startSshTunnel(spec, { spawner: fake.spawner, localPort: await pickLocalPort(0), isListenerOwnedBy: () => true });
    assert.equal(fake.calls[0]?.command, 'ssh');
    assert.equal(tunnel.pid, 4242);
    await tunnel.stop();
    assert.equal(fake.last().killedWith, 'SIGTERM');
  });

  it('fails with SSH_TUNNEL_FAILED and the reason in plain words when ssh exits', async () => {
    const fake = fakeSpawner({ stderr: 'me@gw.example: Permission denied (publickey).\r\n' });
    await assert.rejects(startSshTunnel(spec, { spawner: fake.spawner, localPort: await pickLocalPort(0) }), (error: unknown) => {
      assert.ok(error instanceof GatewayError);
      assert.equal(error.code, 'SSH_TUNNEL_FAILED');
      assert.equal(error.details['kind'], 'auth_failed');
      assert.match(error.message, /ssh tunnel to me@gw\.example:2222 failed: authentication failed: the server refused the key/);
      return true;
    });
  });

  it('refuses a local port another program already listens on before starting ssh (nothing is sent there)', async () => {
    const squatter = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => squatter.once('listening', resolve));
    const port = (squatter.address() as { port: number }).port;
    const fake = fakeSpawner('listen');
    await assert.rejects(startSshTunnel(spec, { spawner: fake.spawner, localPort: port }), (error: unknown) => {
      assert.ok(error instanceof GatewayError);
      assert.equal(error.details['kind'], 'local_port_busy');
      assert.match(error.message, new RegExp(`local port 127\\.0\\.0\\.1:${port} is already in use by another program; nothing was sent to it`));
      return true;
    });
    assert.equal(fake.calls.length, 0, 'ssh was never started');
    squatter.close();
  });

  it('does not call a listener that is not ssh\'s own the tunnel (port taken after the check)', async () => {
    const fake = fakeSpawner('listen');
    await assert.rejects(
      startSshTunnel(spec, { spawner: fake.spawner, localPort: await pickLocalPort(0), readyTimeoutMs: 300, isListenerOwnedBy: () => false }),
      (error: unknown) => error instanceof GatewayError && error.details['kind'] === 'local_port_busy',
    );
    assert.equal(fake.last().killedWith, 'SIGTERM', 'our ssh is stopped');
  });

  it('reports a missing ssh client as ssh_missing', async () => {
    const spawner: Spawner = () => {
      const fake = new FakeSsh();
      setImmediate(() => fake.emit('error', Object.assign(new Error('spawn ssh ENOENT'), { code: 'ENOENT' })));
      return fake;
    };
    await assert.rejects(startSshTunnel(spec, { spawner, localPort: await pickLocalPort(0) }), (error: unknown) => error instanceof GatewayError && error.details['kind'] === 'ssh_missing');
  });
});
