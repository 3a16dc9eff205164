/** FeatureHost: start-up refusals with coded errors, and hooks in dependency order (reverse at close). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../src/protocol/index.js';
import { createLogger, SecretRegistry } from '../../src/logging/index.js';
import { FeatureHost, featureMigrations, orderFeatures } from '../../src/gateway/feature-host.js';
import type { FeatureContext, GatewayFeature } from '../../src/gateway/feature.js';

const logger = createLogger({ level: 'silent', secrets: new SecretRegistry() });
const context = {} as FeatureContext;

function recording(log: string[], name: string, dependsOn: string[] = [], fails = false): GatewayFeature {
  return {
    name,
    dependsOn,
    onReady: () => {
      if (fails) throw new Error(`${name} cannot start`);
      log.push(`ready ${name}`);
    },
    preClose: () => void log.push(`preClose ${name}`),
    onClose: () => void log.push(`close ${name}`),
  };
}

const codeOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof GatewayError);
    return error.code;
  }
  return 'none';
};

describe('FeatureHost', () => {
  it('orders features so dependencies come first, otherwise keeping the given order', () => {
    const log: string[] = [];
    const ordered = orderFeatures([recording(log, 'telegram', ['agent']), recording(log, 'ui'), recording(log, 'agent')]);
    assert.deepEqual(ordered.map((f) => f.name), ['agent', 'telegram', 'ui']);
  });

  it('refuses a duplicate name, a missing dependency and a cycle with their codes', () => {
    const log: string[] = [];
    assert.equal(codeOf(() => orderFeatures([recording(log, 'a'), recording(log, 'a')])), 'DUPLICATE_FEATURE');
    assert.equal(codeOf(() => orderFeatures([recording(log, 'telegram', ['agent'])])), 'FEATURE_DEPENDENCY_MISSING');
    assert.equal(codeOf(() => orderFeatures([recording(log, 'a', ['b']), recording(log, 'b', ['a'])])), 'FEATURE_DEPENDENCY_CYCLE');
  });

  it('refuses a migration owned by someone else', () => {
    const feature: GatewayFeature = { name: 'agent', migrations: [{ owner: 'telegram', version: 1, name: 'x', sql: 'SELECT 1' }] };
    assert.equal(codeOf(() => featureMigrations([feature])), 'MIGRATION_INVALID');
  });

  it('runs onReady in dependency order and preClose/onClose in reverse', async () => {
    const log: string[] = [];
    const host = new FeatureHost([recording(log, 'telegram', ['agent']), recording(log, 'agent')], logger);
    await host.start(() => context);
    await host.preClose();
    await host.close();
    assert.deepEqual(log, ['ready agent', 'ready telegram', 'preClose telegram', 'preClose agent', 'close telegram', 'close agent']);
  });

  it('closes the features already started when one fails, and throws FEATURE_START_FAILED', async () => {
    const log: string[] = [];
    const host = new FeatureHost([recording(log, 'agent'), recording(log, 'telegram', ['agent'], true)], logger);
    await assert.rejects(host.start(() => context), (e: unknown) => e instanceof GatewayError && e.code === 'FEATURE_START_FAILED' && e.message.includes('telegram cannot start'));
    assert.deepEqual(log, ['ready agent', 'close agent']);
  });

  it('reports features that are not ready (a throwing check counts as not ready)', () => {
    const host = new FeatureHost(
      [
        { name: 'ok', readiness: () => ({ ready: true }) },
        { name: 'down', readiness: () => ({ ready: false, reason: 'no token' }) },
        {
          name: 'broken',
          readiness: () => {
            throw new Error('bug');
          },
        },
      ],
      logger,
    );
    assert.deepEqual(host.notReady(), ['down', 'broken']);
  });
});
