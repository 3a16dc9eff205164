/**
 * Attack family T-SSH (security lessons §5 T-SSH-1, issue 12 hole 8): `clawgate tunnel up` when the
 * local port is already taken must not report success nor send the gateway token to whoever holds it;
 * and the test suite itself must never reach a real gateway on the default port. Real CLI processes
 * (the detached tunnel supervisor included), a real squatting listener.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempStateDir } from '../../helpers/gateway.js';
import { runCliProcess } from '../../helpers/cli.js';
import { FORBIDDEN_TEST_PORT } from '../../helpers/port-guard.js';

describe('T-SSH: tunnel bring-up against a squatter', () => {
  it('tunnel up with the local port already taken: fails clearly, sends nothing there, leaves no supervisor', async () => {
    const received: Buffer[] = [];
    const squatter = createServer((socket) => socket.on('data', (chunk: Buffer) => received.push(chunk)));
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const port = (squatter.address() as { port: number }).port;
    const stateDir = createTempStateDir();
    const token = 'tunnel-secret-token-0123456789abcdef';
    writeFileSync(
      join(stateDir, 'clawgate.json'),
      JSON.stringify({ gateway: { mode: 'remote', remote: { token, ssh: { target: 'me@gateway.invalid', localPort: port, remotePort: 40999 } } } }),
    );
    try {
      const result = await runCliProcess(['tunnel', 'up'], { CLAWGATE_STATE_DIR: stateDir, PATH: process.env['PATH'] }, 30_000);
      assert.equal(result.code, 3, `stdout=${result.stdout} stderr=${result.stderr}`);
      assert.doesNotMatch(result.stdout, /SSH tunnel up|health.*ok/i);
      assert.match(result.stderr, new RegExp(`127\\.0\\.0\\.1:${port} is already in use by another program; nothing was sent to it`));
      assert.equal(Buffer.concat(received).toString('utf8').includes(token), false, 'the token never reached the squatter');
      assert.equal(Buffer.concat(received).length, 0, 'not a single byte was sent to the squatter');
      const tunnels = join(stateDir, 'tunnels');
      const leftovers = existsSync(tunnels) ? readdirSync(tunnels).filter((name) => name.endsWith('.json') || name.endsWith('.lock')) : [];
      assert.deepEqual(leftovers, [], 'no supervisor state or lock left behind');
    } finally {
      squatter.close();
    }
  });

  it('the test suite cannot reach the default gateway port: connect and listen on 18789 throw', () => {
    assert.throws(() => connect({ host: '127.0.0.1', port: FORBIDDEN_TEST_PORT }), /test port guard: a test tried to connect to port 18789/);
    assert.throws(() => createServer().listen(FORBIDDEN_TEST_PORT, '127.0.0.1'), /test port guard: a test tried to listen on port 18789/);
  });
});
