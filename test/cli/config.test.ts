/** `clawgate config get|set|unset`: strict paths, typed values, all problems at once, redaction, atomic 0600 writes. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, writeFileAtomic } from '../../src/config/index.js';
import { runCliInProcess } from '../helpers/cli.js';
import { createTempStateDir } from '../helpers/gateway.js';

function setup(): { env: NodeJS.ProcessEnv; configPath: string; stateDir: string } {
  const stateDir = createTempStateDir();
  return { env: { CLAWGATE_STATE_DIR: stateDir }, configPath: join(stateDir, 'clawgate.json'), stateDir };
}

describe('clawgate config', () => {
  it('sets typed values, creates the file with mode 0600, and the result loads like at start-up', async () => {
    const { env, configPath } = setup();
    assert.equal((await runCliInProcess(['config', 'set', 'gateway.port', '18790'], env)).code, 0);
    const token = await runCliInProcess(['config', 'set', 'gateway.auth.token', '123456789012'], env);
    assert.equal(token.code, 0, token.stderr);
    assert.match(token.stdout, /^Set gateway\.auth\.token = "\[redacted\]" in /);
    assert.equal((await runCliInProcess(['config', 'set', 'gateway.controlUi.allowedOrigins', '["https://a.example"]'], env)).code, 0);
    assert.equal(statSync(configPath).mode & 0o777, 0o600);
    const loaded = loadConfig(configPath).config;
    assert.equal(loaded.gateway?.port, 18790);
    assert.equal(loaded.gateway?.auth?.token, '123456789012', 'a string key keeps digits as text');
    assert.deepEqual(loaded.gateway?.controlUi?.allowedOrigins, ['https://a.example']);
  });

  it('a value that starts with a dash is set after `--` (a base64url token can start with one)', async () => {
    const { env, configPath } = setup();
    const dashed = '-b-QhUQQMh57_JPWv8rIgqbsohITyzVCfC3U7lWIgDA';
    const result = await runCliInProcess(['config', 'set', '--', 'gateway.auth.token', dashed], env);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(loadConfig(configPath).config.gateway?.auth?.token, dashed);
  });

  it('get redacts secrets, prints one value, and exits 1 for an unset path', async () => {
    const { env, configPath } = setup();
    writeFileSync(configPath, '{ gateway: { port: 19000, auth: { token: "s3cret-value-123" } } }');
    const all = await runCliInProcess(['config', 'get'], env);
    assert.equal(all.code, 0, all.stderr);
    assert.ok(!all.stdout.includes('s3cret'));
    assert.equal(JSON.parse(all.stdout).gateway.auth.token, '[redacted]');
    assert.equal((await runCliInProcess(['config', 'get', 'gateway.port'], env)).stdout, '19000\n');
    assert.equal((await runCliInProcess(['config', 'get', 'gateway.auth.token'], env)).stdout, '[redacted]\n');
    const unset = await runCliInProcess(['config', 'get', 'gateway.bind'], env);
    assert.equal(unset.code, 1);
    assert.match(unset.stderr, /gateway\.bind is not set/);
  });

  it('a path typo exits 2 with a did-you-mean and writes nothing', async () => {
    const { env, stateDir } = setup();
    const result = await runCliInProcess(['config', 'set', 'gateway.prot', '1'], env);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, 'clawgate: unknown config path gateway.prot (did you mean gateway.port?)\n');
    assert.deepEqual(readdirSync(stateDir), []);
    const nested = await runCliInProcess(['config', 'get', 'gateway.auth.tokn'], env);
    assert.match(nested.stderr, /did you mean gateway\.auth\.token\?/);
  });

  it('an invalid value exits 78 with the allowed values, and the file is unchanged', async () => {
    const { env, configPath } = setup();
    writeFileSync(configPath, '{ gateway: { port: 19000 } }', { mode: 0o600 });
    const before = readFileSync(configPath, 'utf8');
    const result = await runCliInProcess(['config', 'set', 'gateway.bind', 'lna'], env);
    assert.equal(result.code, 78);
    assert.match(result.stderr, /gateway\.bind: must be one of "loopback", "lan", .* \(did you mean "lan"\?\)/);
    const port = await runCliInProcess(['config', 'set', 'gateway.port', 'abc'], env);
    assert.equal(port.code, 78);
    assert.match(port.stderr, /gateway\.port: must be integer/);
    assert.equal(readFileSync(configPath, 'utf8'), before);
  });

  it('unset removes the value and emptied parents', async () => {
    const { env, configPath } = setup();
    writeFileSync(configPath, '{ gateway: { port: 19000, auth: { token: "x-token-123456" } } }');
    const result = await runCliInProcess(['config', 'unset', 'gateway.auth.token'], env);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(readFileSync(configPath, 'utf8')), { gateway: { port: 19000 } });
    assert.match((await runCliInProcess(['config', 'unset', 'gateway.auth.token'], env)).stdout, /was not set; nothing changed/);
  });

  it('writes atomically: no temp file is left and an existing mode is kept', () => {
    const { configPath, stateDir } = setup();
    writeFileSync(configPath, '{}', { mode: 0o600 });
    writeFileAtomic(configPath, '{"gateway":{}}\n');
    assert.equal(readFileSync(configPath, 'utf8'), '{"gateway":{}}\n');
    assert.equal(statSync(configPath).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(stateDir), ['clawgate.json']);
  });
});
