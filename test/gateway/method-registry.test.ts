/**
 * The registry compiles every schema at start-up when results are checked (each on first use
 * otherwise) and refuses duplicates and broken schemas with coded errors.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Type from 'typebox';
import { defineContract, GatewayError } from '../../src/protocol/index.js';
import { defineMethod, implement, MethodRegistry, type MethodDefinition } from '../../src/gateway/method-registry.js';

const method = defineMethod({ name: 'test.one', access: 'operator.read', params: Type.Object({}), result: Type.Object({}), handler: () => ({}) });

describe('MethodRegistry', () => {
  it('lists names in registration order', () => {
    const registry = new MethodRegistry([[method], [{ ...method, name: 'test.two' }]]);
    assert.deepEqual(registry.names(), ['test.one', 'test.two']);
  });

  it('refuses a name declared twice with DUPLICATE_METHOD', () => {
    assert.throws(
      () => new MethodRegistry([[method], [method]]),
      (error: unknown) => error instanceof GatewayError && error.code === 'DUPLICATE_METHOD' && error.message.includes('test.one'),
    );
  });

  it('refuses a schema that does not compile with SCHEMA_BUILD_FAILED', () => {
    const broken: MethodDefinition = { name: 'test.broken', access: 'operator.read', params: Type.Object({ a: Type.String({ pattern: '(' }) }), result: Type.Object({}), handler: () => ({}) };
    assert.throws(
      () => new MethodRegistry([[broken]], { shouldCompileEagerly: true }),
      (error: unknown) => error instanceof GatewayError && error.code === 'SCHEMA_BUILD_FAILED' && error.details['method'] === 'test.broken',
    );
  });

  it('refuses a broken result schema at start-up when eager, and on first use otherwise', () => {
    const broken: MethodDefinition = { name: 'test.badResult', access: 'operator.read', params: Type.Object({}), result: Type.Object({ a: Type.String({ pattern: '(' }) }), handler: () => ({}) };
    assert.throws(
      () => new MethodRegistry([[broken]], { shouldCompileEagerly: true }),
      (error: unknown) => error instanceof GatewayError && error.code === 'SCHEMA_BUILD_FAILED' && error.details['method'] === 'test.badResult',
    );
    const lazy = new MethodRegistry([[broken]]).get('test.badResult');
    assert.equal(lazy?.params.check({}), true, 'params still compiled and usable');
    assert.throws(() => lazy?.result, (error: unknown) => error instanceof GatewayError && error.code === 'SCHEMA_BUILD_FAILED');
  });

  it('compiles the ack schema of a contract bound with implement()', () => {
    const contract = defineContract({ name: 'test.acked', access: 'operator.write', params: Type.Object({}), result: Type.Object({}), ack: Type.Object({ runId: Type.String() }) });
    const registered = new MethodRegistry([[implement(contract, () => ({}))]]).get('test.acked');
    assert.equal(registered?.ack?.check({ runId: 'r' }), true);
    assert.equal(registered?.ack?.check({}), false);
  });
});
