/**
 * What a new user tripped over (issue 13): did-you-mean on subcommands, an explicit `gateway`, a missing
 * CLAWGATE_CONFIG_PATH, all config errors at once, and advice that names why a local token is refused.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeRunState } from '../../src/cli/run-state.js';
import { createTempStateDir, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { runCliInProcess } from '../helpers/cli.js';

describe('first-run rough edges', () => {
  it('`gateway stauts` suggests `status` (exit 2) instead of starting a gateway', async () => {
    const result = await runCliInProcess(['gateway', 'stauts'], { CLAWGATE_STATE_DIR: createTempStateDir() });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown command 'stauts'\n\(Did you mean status\?\)/);
  });

  it('a bare `gateway` prints its help, naming `gateway run`, and exits 2', async () => {
    const result = await runCliInProcess(['gateway'], { CLAWGATE_STATE_DIR: createTempStateDir() });
    assert.equal(result.code, 2);
    assert.match(result.stdout + result.stderr, /Run the gateway in the foreground: clawgate gateway run/);
  });

  it('unknown subcommands get a did-you-mean in other groups too', async () => {
    const result = await runCliInProcess(['devices', 'aprove'], { CLAWGATE_STATE_DIR: createTempStateDir() });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /\(Did you mean approve\?\)/);
  });

  it('CLAWGATE_CONFIG_PATH naming a missing file is a config error (exit 78), not silent defaults', async () => {
    const stateDir = createTempStateDir();
    const result = await runCliInProcess(['gateway', 'auth-token'], { CLAWGATE_STATE_DIR: stateDir, CLAWGATE_CONFIG_PATH: join(stateDir, 'nope.json') });
    assert.equal(result.code, 78);
    assert.match(result.stderr, /CLAWGATE_CONFIG_PATH=.*nope\.json names a file that does not exist/);
  });

  it('lists every config problem at once, enum typos with the allowed values and a did-you-mean', async () => {
    const stateDir = createTempStateDir();
    writeFileSync(join(stateDir, 'clawgate.json'), '{ gateway: { bind: "lna", auth: { mode: "tokn" }, prot: 1, tailscale: { mode: "serv" } } }');
    const result = await runCliInProcess(['gateway', 'auth-token'], { CLAWGATE_STATE_DIR: stateDir });
    assert.equal(result.code, 78);
    assert.match(result.stderr, /4 problems:/);
    assert.match(result.stderr, /gateway\.prot: unknown key \(did you mean gateway\.port\?\)/);
    assert.match(result.stderr, /gateway\.bind: must be one of "loopback", "lan", "tailnet", "custom", "auto", got "lna" \(did you mean "lan"\?\)/);
    assert.match(result.stderr, /gateway\.auth\.mode: must be one of "none", "token", "password", got "tokn" \(did you mean "token"\?\)/);
    assert.match(result.stderr, /gateway\.tailscale\.mode: must be one of "off", "serve", "funnel", got "serv" \(did you mean "serve"\?\)/);
  });

  describe('a gateway started with --token T', () => {
    let gateway: TestGateway;
    before(async () => {
      gateway = await startTestGateway({ flags: { token: 'explicit-token-abcdefghijklmnop' } });
      // The CLI on the same state dir finds an old generated token, as after an earlier plain start.
      writeFileSync(gateway.paths.tokenPath, 'an-old-generated-token-0123456789abcdef\n', { mode: 0o600 });
    });
    after(async () => {
      await gateway.stop();
    });

    it('local commands explain that the generated token is unused and how to pass the right one', async () => {
      const env = { CLAWGATE_STATE_DIR: gateway.paths.stateDir };
      const result = await runCliInProcess(['health', '--port', String(gateway.server.port)], env);
      assert.equal(result.code, 4);
      assert.match(result.stderr, /sent the generated token from .*gateway-token, but the gateway uses another one/);
      assert.match(result.stderr, /started with --token, CLAWGATE_GATEWAY_TOKEN or gateway\.auth\.token/);
      assert.ok(!result.stderr.includes('explicit-token'), 'the secret is never printed');
    });

    it('names the running gateway\'s credential source when its run state is there', async () => {
      writeRunState(gateway.paths.stateDir, { pid: process.pid, port: gateway.server.port, bind: 'loopback', authMode: 'token', authSource: '--token', startedAtMs: Date.now() });
      const result = await runCliInProcess(['health', '--port', String(gateway.server.port)], { CLAWGATE_STATE_DIR: gateway.paths.stateDir });
      assert.equal(result.code, 4);
      assert.match(result.stderr, new RegExp(`the gateway running here \\(pid ${process.pid}, port ${gateway.server.port}\\) takes its token from --token`));
    });
  });
});

describe('a CLI on another state dir than the gateway', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway();
  });
  after(async () => {
    await gateway.stop();
  });

  it('says where it looked for the token and that another profile keeps its own', async () => {
    const otherStateDir = createTempStateDir();
    const result = await runCliInProcess(['health', '--port', String(gateway.server.port)], { CLAWGATE_STATE_DIR: otherStateDir });
    assert.equal(result.code, 4);
    assert.match(result.stderr, /\[AUTH_TOKEN_MISSING\]/);
    assert.match(result.stderr, new RegExp(`this CLI looked in ${otherStateDir}/gateway-token: a gateway started with another --profile or CLAWGATE_STATE_DIR keeps its token in that state dir`));
  });
});
