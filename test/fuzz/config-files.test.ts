/**
 * Property: the config loader never crashes. Any file text — arbitrary strings, JSON, JSON5-ish
 * syntax, config-shaped objects with wrong types, deep nesting — either loads or is refused with a
 * coded CONFIG_INVALID naming the file; never a TypeError, a RangeError or another code. Loaded with
 * every feature's section (agent, channels), as `gateway run` loads it.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadConfig } from '../../src/config/index.js';
import { DEFAULT_FEATURES } from '../../src/daemon/features.js';
import { featureConfigSections, orderFeatures } from '../../src/gateway/index.js';
import { GatewayError } from '../../src/protocol/index.js';
import { fuzzRuns, fuzzSeed } from '../helpers/fuzz.js';

const dir = mkdtempSync(join(tmpdir(), 'clawgate-fuzz-config-'));
const path = join(dir, 'clawgate.json');
const sections = featureConfigSections(orderFeatures(DEFAULT_FEATURES));

/** Loads `text` as the config file; fails the property on anything but success or CONFIG_INVALID. */
function loadsOrRefuses(text: string): void {
  writeFileSync(path, text);
  try {
    loadConfig(path, { sections });
  } catch (error) {
    assert.ok(error instanceof GatewayError, `not a GatewayError: ${String(error)} for ${JSON.stringify(text).slice(0, 200)}`);
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.ok(error.message.includes(path), 'names the file');
  }
}

/** Any JSON value, often under a real key, so the schema (not only the parser) is exercised. */
const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.string(), fc.integer(), fc.constant(null), fc.constant([]), fc.constant({}));
const configShaped = fc.record(
  {
    gateway: fc.oneof(anyValue, fc.record({ port: anyValue, bind: anyValue, auth: fc.oneof(anyValue, fc.record({ mode: anyValue, token: anyValue, password: anyValue }, { requiredKeys: [] })), tls: anyValue, nodes: anyValue, controlUi: anyValue }, { requiredKeys: [] })),
    logging: anyValue,
    discovery: anyValue,
    models: fc.oneof(anyValue, fc.record({ providers: fc.dictionary(fc.string({ maxLength: 8 }), anyValue, { maxKeys: 2 }) })),
    agents: anyValue,
    channels: fc.oneof(anyValue, fc.record({ telegram: fc.oneof(anyValue, fc.record({ botToken: anyValue, allowFrom: anyValue, dmPolicy: anyValue }, { requiredKeys: [] })) })),
    session: anyValue,
  },
  { requiredKeys: [] },
);

describe('fuzz: config files', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('never crashes on arbitrary text: loads or refuses with CONFIG_INVALID', () => {
    const json5ish = fc.array(fc.constantFrom('{', '}', '[', ']', ':', ',', '"', "'", '//', '/*', '*/', 'gateway', 'port', '1', '-0x1F', 'Infinity', 'NaN', '\\u0000', '\n', ' ', 'true', 'null', '__proto__', 'constructor'), { maxLength: 40 }).map((parts) => parts.join(''));
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.json(), json5ish), loadsOrRefuses), { numRuns: fuzzRuns(300), seed: fuzzSeed(1201) });
  });

  it('never crashes on config-shaped objects with wrong types: loads or refuses with CONFIG_INVALID', () => {
    fc.assert(fc.property(configShaped, (config) => loadsOrRefuses(JSON.stringify(config))), { numRuns: fuzzRuns(300), seed: fuzzSeed(1202) });
  });

  it('refuses deep nesting and prototype keys with CONFIG_INVALID, not a stack overflow or a polluted prototype', () => {
    loadsOrRefuses(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    loadsOrRefuses(`{"gateway": ${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`);
    loadsOrRefuses('{"__proto__": {"polluted": true}, "gateway": {"__proto__": {"polluted": true}}}');
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });
});
