/**
 * Secrets are marked once in the config schema: paths, redaction, log redact paths and registry values
 * all come from the `Secret()` mark, including a feature's section such as models.providers.*.apiKey.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import Type from 'typebox';
import {
  SECRET_CONFIG_PATHS,
  Secret,
  loadConfig,
  logRedactPathsFor,
  redactConfig,
  secretPathsOf,
  secretValuesAt,
} from '../../src/config/index.js';
import { GatewayError } from '../../src/protocol/index.js';
import { createTempStateDir } from '../helpers/gateway.js';

/** Roughly the sections the agent and Telegram features will declare. */
const ModelsSection = { key: 'models', schema: Type.Object({ providers: Type.Record(Type.String(), Type.Object({ baseUrl: Type.String(), apiKey: Type.Optional(Secret()) }, { additionalProperties: false })) }) };
/** A feature section that is not core (`models` became core with the agent). */
const SpeechSection = { ...ModelsSection, key: 'speech' };
const ChannelsSection = { key: 'channels', schema: Type.Object({ telegram: Type.Optional(Type.Object({ botToken: Secret(), accounts: Type.Optional(Type.Array(Type.Object({ token: Secret() }))) })) }) };

describe('config secrets', () => {
  it('derives the core secret paths from the marks', () => {
    assert.deepEqual([...SECRET_CONFIG_PATHS].sort(), ['gateway.auth.password', 'gateway.auth.token', 'gateway.remote.password', 'gateway.remote.token', 'models.providers.*.apiKey']);
  });

  it('finds marks under records, arrays and nested objects of a feature section', () => {
    assert.deepEqual(secretPathsOf(ModelsSection.schema, 'models'), ['models.providers.*.apiKey']);
    assert.deepEqual(secretPathsOf(ChannelsSection.schema, 'channels'), ['channels.telegram.botToken', 'channels.telegram.accounts.*.token']);
  });

  it('redacts every marked value, and only those', () => {
    const paths = ['models.providers.*.apiKey', 'channels.telegram.botToken', 'channels.telegram.accounts.*.token'];
    const config = { models: { providers: { a: { baseUrl: 'http://x', apiKey: 'k1' }, b: { baseUrl: 'http://y' } } }, channels: { telegram: { botToken: 't', accounts: [{ token: 'u' }] } } };
    assert.deepEqual(redactConfig(config, paths), {
      models: { providers: { a: { baseUrl: 'http://x', apiKey: '[redacted]' }, b: { baseUrl: 'http://y' } } },
      channels: { telegram: { botToken: '[redacted]', accounts: [{ token: '[redacted]' }] } },
    });
    assert.deepEqual(secretValuesAt(config, paths), ['k1', 't', 'u']);
    assert.equal(config.models.providers.a.apiKey, 'k1', 'the original is untouched');
  });

  it('gives pino each secret key at the top level and one level down', () => {
    assert.deepEqual(logRedactPathsFor(['models.providers.*.apiKey', 'channels.telegram.botToken']), ['apiKey', '*.apiKey', 'botToken', '*.botToken']);
  });

  it('loads a feature section strictly for the daemon and leniently for client commands', () => {
    const dir = createTempStateDir();
    try {
      const path = join(dir, 'clawgate.json');
      writeFileSync(path, JSON.stringify({ speech: { providers: { local: { baseUrl: 'http://127.0.0.1:1', apiKey: 'sk-feature-0123456789' } } } }));
      const loaded = loadConfig(path, { sections: [SpeechSection, ChannelsSection] });
      assert.ok(loaded.secretPaths.includes('speech.providers.*.apiKey'));
      assert.deepEqual(secretValuesAt(loaded.config, loaded.secretPaths), ['sk-feature-0123456789']);
      assert.throws(() => loadConfig(path), (e: unknown) => e instanceof GatewayError && e.code === 'CONFIG_INVALID' && e.message.includes('speech: unknown key'));
      assert.equal(loadConfig(path, { allowUnknownSections: true }).exists, true);
      writeFileSync(path, JSON.stringify({ speech: { providers: { local: { baseUrl: 'x', apiKee: 'typo' } } } }));
      assert.throws(() => loadConfig(path, { sections: [SpeechSection] }), (e: unknown) => e instanceof GatewayError && e.code === 'CONFIG_INVALID');
      assert.throws(() => loadConfig(path, { sections: [{ key: 'gateway', schema: Type.Object({}) }] }), (e: unknown) => e instanceof GatewayError && e.code === 'DUPLICATE_CONFIG_SECTION');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
