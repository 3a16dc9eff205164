/** Strict config loading: JSON5, exact paths for unknown keys with a suggestion, type errors, syntax errors. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closestKey, loadConfig, parseConfigText } from '../../src/config/index.js';
import { GatewayError as ProtocolGatewayError } from '../../src/protocol/index.js';

function configError(text: string): ProtocolGatewayError {
  try {
    parseConfigText(text, '/x/clawgate.json');
  } catch (error) {
    if (error instanceof ProtocolGatewayError) return error;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

describe('config loading', () => {
  it('accepts JSON5 with comments and trailing commas', () => {
    const config = parseConfigText('{ // c\n gateway: { port: 19000, bind: "loopback", }, }', 'x');
    assert.equal(config.gateway?.port, 19000);
  });

  it('treats a missing file as an empty config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const loaded = loadConfig(join(dir, 'clawgate.json'));
    assert.equal(loaded.exists, false);
    assert.deepEqual(loaded.config, {});
  });

  it('names an unknown key by its full path and suggests the closest one', () => {
    const error = configError('{ gateway: { prot: 18789 } }');
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.equal(error.message, 'invalid config /x/clawgate.json: gateway.prot: unknown key (did you mean gateway.port?)');
  });

  it('names a nested unknown key (gateway.auth.tokn → gateway.auth.token)', () => {
    assert.match(configError('{ gateway: { auth: { tokn: "x" } } }').message, /gateway\.auth\.tokn: unknown key \(did you mean gateway\.auth\.token\?\)/);
  });

  it('lists the known keys when nothing is close', () => {
    assert.match(configError('{ zzzzzzzz: 1 }').message, /zzzzzzzz: unknown key \(known keys: \$schema, gateway, logging, models, agents, tools\)/);
  });

  it('reports a wrong type with its path', () => {
    assert.match(configError('{ gateway: { port: "18789" } }').message, /gateway\.port: /);
    assert.match(configError('{ gateway: { bind: "0.0.0.0" } }').message, /gateway\.bind: /);
  });

  it('reports a syntax error with line and column', () => {
    assert.match(configError('{ gateway: { port: 1, }\n oops }').message, /syntax error: .*2:/);
  });

  it('never echoes secret values in its errors', () => {
    const error = configError('{ gateway: { auth: { token: 42 } } }');
    assert.match(error.message, /gateway\.auth\.token/);
  });

  it('closestKey suggests within a small edit distance only', () => {
    assert.equal(closestKey('prot', ['port', 'bind']), 'port');
    assert.equal(closestKey('remtoe', ['remote', 'mode']), 'remote');
    assert.equal(closestKey('completely-different', ['port']), undefined);
  });

  it('writes nothing and reads a real file from disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'clawgate.json'), '{ gateway: { port: 1234 } }');
    const loaded = loadConfig(join(dir, 'clawgate.json'));
    assert.equal(loaded.exists, true);
    assert.equal(loaded.config.gateway?.port, 1234);
  });
});
