/** `clawgate onboard --non-interactive`: the config it writes, the live checks, and the service step in a container. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { planOnboarding } from '../../src/cli/onboard/plan.js';
import { loadConfig } from '../../src/config/index.js';
import { runCliInProcess } from '../helpers/cli.js';
import { createTempStateDir } from '../helpers/gateway.js';
import { findFreePort } from '../helpers/ports.js';
import { startFakeOpenAiServer } from '../helpers/fake-model.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

async function onboard(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string; stateDir: string }> {
  const stateDir = createTempStateDir();
  const result = await runCliInProcess(['onboard', '--non-interactive', ...args], { CLAWGATE_STATE_DIR: stateDir, PATH: process.env['PATH'], ...extraEnv });
  return { ...result, stateDir };
}

describe('onboarding plan', () => {
  it('loopback + token writes no secret and creates the generated token; a wider bind stores one', () => {
    const local = planOnboarding({ bind: 'loopback', port: 18789, auth: 'token', installService: false });
    assert.deepEqual(local.settings, [['gateway.bind', 'loopback']]);
    assert.equal(local.shouldCreateGeneratedToken, true);
    const lan = planOnboarding({ bind: 'lan', port: 19000, auth: 'token', installService: false }, () => 'generated-token');
    assert.deepEqual(lan.settings, [['gateway.bind', 'lan'], ['gateway.port', 19000], ['gateway.auth.mode', 'token'], ['gateway.auth.token', 'generated-token']]);
    assert.ok(!lan.summary.join('\n').includes('generated-token'), 'the summary never shows the secret');
  });
});

describe('clawgate onboard --non-interactive', () => {
  it('defaults to loopback + a generated token file (0600) and says what it skipped', async () => {
    const port = await findFreePort();
    const result = await onboard(['--port', String(port)]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(loadConfig(join(result.stateDir, 'clawgate.json')).config.gateway?.port, port);
    assert.equal(statSync(join(result.stateDir, 'gateway-token')).mode & 0o777, 0o600);
    assert.match(result.stdout, /No model: the built-in commands/);
    assert.match(result.stdout, /Start it: clawgate gateway run/);
  });

  it('lan stores a 256-bit token in a 0600 config that passes start-up validation', async () => {
    const result = await onboard(['--bind', 'lan', '--port', String(await findFreePort())]);
    assert.equal(result.code, 0, result.stderr);
    const configPath = join(result.stateDir, 'clawgate.json');
    assert.equal(statSync(configPath).mode & 0o777, 0o600);
    const config = loadConfig(configPath).config;
    assert.equal(config.gateway?.bind, 'lan');
    assert.match(config.gateway?.auth?.token ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.ok(!result.stdout.includes(config.gateway?.auth?.token ?? '?'), 'the token is not printed');
  });

  it('refuses a taken port (78), a short password (2) and tailnet without Tailscale (78), writing nothing', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const taken = await onboard(['--port', String((server.address() as { port: number }).port)]);
      assert.equal(taken.code, 78);
      assert.match(taken.stderr, /is already in use on this machine/);
      assert.ok(!existsSync(join(taken.stateDir, 'clawgate.json')));
    } finally {
      server.close();
    }
    const short = await onboard(['--auth', 'password', '--password', 'short']);
    assert.equal(short.code, 2);
    const tailnet = await onboard(['--bind', 'tailnet', '--port', String(await findFreePort())], { PATH: '/nonexistent' });
    assert.equal(tailnet.code, 78);
    assert.match(tailnet.stderr, /tailscale CLI is not on PATH/);
  });

  it('without systemd, --install-service still writes the config and prints the foreground command', { skip: existsSync('/run/systemd/system') && 'systemd runs here' }, async () => {
    const result = await onboard(['--port', String(await findFreePort()), '--install-service']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Service: not installed\. systemd is not available here .* clawgate gateway run/);
    assert.ok(existsSync(join(result.stateDir, 'clawgate.json')));
  });

  it('asks for --non-interactive when stdin is not a terminal', { skip: process.stdin.isTTY === true && 'stdin is a terminal here' }, async () => {
    const result = await runCliInProcess(['onboard'], { CLAWGATE_STATE_DIR: createTempStateDir() });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /pass --non-interactive/);
  });

  describe('model and Telegram, checked live (a FAKE model server and a FAKE Bot API over real HTTP)', () => {
    it('writes a model whose key is reached through its env variable, never the key itself', async () => {
      const model = await startFakeOpenAiServer([]);
      try {
        model.requireApiKey('sk-onboard-good');
        const args = ['--port', String(await findFreePort()), '--model', 'local/m1', '--model-base-url', model.baseUrl, '--model-api-key-env', 'ONBOARD_KEY'];
        const ok = await onboard(args, { ONBOARD_KEY: 'sk-onboard-good' });
        assert.equal(ok.code, 0, ok.stderr);
        const written = readFileSync(join(ok.stateDir, 'clawgate.json'), 'utf8');
        assert.doesNotMatch(written, /sk-onboard-good/);
        const config = loadConfig(join(ok.stateDir, 'clawgate.json')).config;
        assert.equal(config.agents?.defaults?.model && typeof config.agents.defaults.model === 'object' ? config.agents.defaults.model.primary : undefined, 'local/m1');
        assert.equal(config.models?.providers?.['local']?.apiKey, '${ONBOARD_KEY}');
        assert.match(ok.stdout, /Checked model local\/m1: local at .* answers/);

        const refused = await onboard(args, { ONBOARD_KEY: 'sk-wrong' });
        assert.equal(refused.code, 78);
        assert.match(refused.stderr, /local refused the API key \(HTTP 401\).*Nothing was written/);
        assert.equal(existsSync(join(refused.stateDir, 'clawgate.json')), false);
      } finally {
        await model.close();
      }
    });

    it('checks the Telegram token file with getMe before writing it', async () => {
      const telegram = await FakeTelegram.start();
      try {
        const good = join(tmpdir(), `onboard-tg-${process.pid}-good`);
        const bad = join(tmpdir(), `onboard-tg-${process.pid}-bad`);
        writeFileSync(good, telegram.token, { mode: 0o600 });
        writeFileSync(bad, '7000001:revokedOnboardToken', { mode: 0o600 });
        // apiRoot points the check at the fake; onboarding itself only writes tokenFile.
        const withApiRoot = async (file: string): Promise<Awaited<ReturnType<typeof onboard>>> => {
          const stateDir = createTempStateDir();
          writeFileSync(join(stateDir, 'clawgate.json'), JSON.stringify({ channels: { telegram: { apiRoot: telegram.apiRoot } } }), { mode: 0o600 });
          const result = await runCliInProcess(['onboard', '--non-interactive', '--port', String(await findFreePort()), '--telegram-token-file', file], { CLAWGATE_STATE_DIR: stateDir, PATH: process.env['PATH'] });
          return { ...result, stateDir };
        };
        const ok = await withApiRoot(good);
        assert.equal(ok.code, 0, ok.stderr);
        assert.equal(loadConfig(join(ok.stateDir, 'clawgate.json')).config.channels?.telegram?.tokenFile, good);
        assert.match(ok.stdout, /Checked telegram: .*answers getMe/);
        const refused = await withApiRoot(bad);
        assert.equal(refused.code, 78);
        assert.match(refused.stderr, /refused the bot token/);
        assert.doesNotMatch(refused.stderr + refused.stdout, /revokedOnboardToken/);
      } finally {
        await telegram.close();
      }
    });
  });
});
