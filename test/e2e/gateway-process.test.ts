/** `clawgate gateway run` as a real process: secure default auth, signals, and refusals with exit codes. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { statSync } from 'node:fs';
import { createTempStateDir } from '../helpers/gateway.js';
import { CLAWGATE_BIN, runCliProcess } from '../helpers/cli.js';
import { findFreePort } from '../helpers/ports.js';
import { connectFrame, openRawSocket } from '../helpers/raw-socket.js';

function startGatewayProcess(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string; ready: Promise<void>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CLAWGATE_BIN, 'gateway', 'run', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      if (output.includes('gateway listening')) resolve();
    });
    child.stderr!.on('data', (chunk) => (output += chunk));
    child.once('exit', () => reject(new Error(`gateway exited early: ${output}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, ready, exited };
}

describe('gateway run (process)', () => {
  it('generates a 0600 token on first start, lets the local CLI in with it, and keeps tokenless clients out', async () => {
    const state = createTempStateDir();
    const port = await findFreePort();
    const env = { CLAWGATE_STATE_DIR: state, PATH: process.env['PATH'] };
    const gateway = startGatewayProcess(['--port', String(port)], env);
    try {
      await gateway.ready;
      assert.equal(statSync(`${state}/gateway-token`).mode & 0o777, 0o600);
      const health = await runCliProcess(['health', '--port', String(port)], env);
      assert.equal(health.code, 0, health.stderr);
      assert.match(health.stdout, /OK/);

      // A browser tab from another origin is refused before the upgrade (docs/hardening.md)...
      await assert.rejects(openRawSocket(`ws://127.0.0.1:${port}`, { headers: { origin: 'http://evil.example' } }), /HTTP 403/);
      // ...and any local process without the token is refused at connect.
      const raw = await openRawSocket(`ws://127.0.0.1:${port}`);
      await raw.waitFor((f) => f['event'] === 'connect.challenge');
      raw.send(connectFrame({}));
      const res = await raw.waitFor((f) => f['id'] === 'c1');
      assert.equal((res['error'] as any).details.code, 'AUTH_TOKEN_MISSING');
      assert.ok(!gateway.output().includes(await (await import('node:fs/promises')).readFile(`${state}/gateway-token`, 'utf8').then((t) => t.trim())), 'token never printed');
    } finally {
      gateway.child.kill('SIGTERM');
      await gateway.exited;
    }
  });

  it('on SIGTERM broadcasts shutdown, closes clients with 1001 and exits 0', async () => {
    const state = createTempStateDir();
    const port = await findFreePort();
    const gateway = startGatewayProcess(['--port', String(port), '--token', 'sigterm-test-token-123'], { CLAWGATE_STATE_DIR: state, PATH: process.env['PATH'] });
    await gateway.ready;
    const raw = await openRawSocket(`ws://127.0.0.1:${port}`);
    await raw.waitFor((f) => f['event'] === 'connect.challenge');
    raw.send(connectFrame({ token: 'sigterm-test-token-123' }));
    await raw.waitFor((f) => f['id'] === 'c1');
    gateway.child.kill('SIGTERM');
    const shutdown = await raw.waitFor((f) => f['event'] === 'shutdown');
    assert.match((shutdown['payload'] as any).reason, /SIGTERM/);
    assert.equal((await raw.closed).code, 1001);
    assert.equal(await gateway.exited, 0);
  });

  for (const bind of ['lan', 'tailnet']) {
    it(`refuses --bind ${bind} without auth: exit 78 and a message naming both fixes`, async () => {
      const result = await runCliProcess(['gateway', 'run', '--bind', bind, '--port', String(await findFreePort())], { CLAWGATE_STATE_DIR: createTempStateDir(), PATH: process.env['PATH'] });
      assert.equal(result.code, 78);
      assert.match(result.stderr, new RegExp(`Refusing to bind gateway to ${bind} without auth`));
      assert.match(result.stderr, /--token/);
      assert.match(result.stderr, /--password/);
      assert.ok(!result.stderr.includes('    at '), 'no stack trace');
    });
  }

  it('exits 3 with PORT_IN_USE when the port is taken', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => blocker.once('listening', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await runCliProcess(['gateway', 'run', '--port', String(port), '--token', 'x-0123456789'], { CLAWGATE_STATE_DIR: createTempStateDir(), PATH: process.env['PATH'] });
      assert.equal(result.code, 3);
      assert.match(result.stderr, new RegExp(`port ${port} on 127.0.0.1 is already in use`));
    } finally {
      blocker.close();
    }
  });

  it('rejects an invalid --bind value with exit 2', async () => {
    const result = await runCliProcess(['gateway', 'run', '--bind', '0.0.0.0'], { CLAWGATE_STATE_DIR: createTempStateDir(), PATH: process.env['PATH'] });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--bind must be one of loopback, lan, tailnet, custom, auto/);
  });
});
