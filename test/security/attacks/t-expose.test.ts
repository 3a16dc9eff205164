/**
 * Attack family T-EXPOSE (security lessons §5 T-EXPOSE-4, issue 12 hole 1): a gateway exposed to a
 * network with a guessable secret, or a secret readable by every local user. Real `clawgate gateway run`
 * processes; every refused case exits before anything listens, so nothing binds beyond loopback.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempStateDir } from '../../helpers/gateway.js';
import { runCliProcess } from '../../helpers/cli.js';
import { findFreePort } from '../../helpers/ports.js';

async function gatewayRun(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stderr: string }> {
  const stateDir = createTempStateDir();
  return runCliProcess(['gateway', 'run', '--port', String(await findFreePort()), ...args], { CLAWGATE_STATE_DIR: stateDir, PATH: process.env['PATH'], ...env });
}

describe('T-EXPOSE: weak secrets on exposed binds', () => {
  for (const bind of ['lan', 'tailnet']) {
    it(`--bind ${bind} --token a: refused with exit 78, the entropy and the fix named`, async () => {
      const result = await gatewayRun(['--bind', bind, '--token', 'a']);
      assert.equal(result.code, 78, result.stderr);
      assert.match(result.stderr, new RegExp(`Refusing to expose the gateway \\(bind ${bind}\\) with a weak token`));
      assert.match(result.stderr, /openssl rand -hex 32/);
      assert.match(result.stderr, /--token-file/);
    });
  }

  it('--bind lan --password 1234: refused with exit 78 and the fix named', async () => {
    const result = await gatewayRun(['--bind', 'lan', '--auth', 'password', '--password', '1234']);
    assert.equal(result.code, 78, result.stderr);
    assert.match(result.stderr, /with a weak password: about \d+ bits of entropy, at least 64 needed/);
    assert.match(result.stderr, /--password-file/);
  });

  it('--bind lan with a weak token from CLAWGATE_GATEWAY_TOKEN is refused the same way (every source, not only the flag)', async () => {
    const result = await gatewayRun(['--bind', 'lan'], { CLAWGATE_GATEWAY_TOKEN: 'password123' });
    assert.equal(result.code, 78);
    assert.match(result.stderr, /weak token/);
  });

  it('--tailscale funnel with a weak password is refused before tailscale runs', async () => {
    const result = await gatewayRun(['--tailscale', 'funnel', '--auth', 'password', '--password', 'hunter2'], { PATH: '/nonexistent' });
    assert.equal(result.code, 78, result.stderr);
    assert.match(result.stderr, /\(tailscale funnel\) with a weak password/);
  });

  it('--token on the command line warns that the process list shows it and names the file and env routes', async () => {
    const result = await gatewayRun(['--bind', 'lan', '--token', 'short']);
    assert.match(result.stderr, /warning: --token is visible to every local user in the process list \(ps\); use --token-file <path>.*CLAWGATE_GATEWAY_TOKEN/);
  });

  it('--token-file is read (and judged) like --token, without the warning', async () => {
    const dir = createTempStateDir();
    const file = join(dir, 'token');
    writeFileSync(file, 'weak\n', { mode: 0o600 });
    const result = await gatewayRun(['--bind', 'lan', '--token-file', file]);
    assert.equal(result.code, 78);
    assert.match(result.stderr, /weak token/);
    assert.doesNotMatch(result.stderr, /warning: --token/);
  });
});
