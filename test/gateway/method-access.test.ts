/**
 * Property test over the whole role × scope × method matrix: the dispatcher reaches a handler only
 * when the method's table entry (`access`) allows the caller, and never for a name not in the table.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import Type from 'typebox';
import { OPERATOR_SCOPES, type RequestFrame } from '../../src/protocol/index.js';
import { createLogger, SecretRegistry } from '../../src/logging/index.js';
import { Dispatcher } from '../../src/gateway/dispatcher.js';
import { MethodRegistry, type MethodDefinition } from '../../src/gateway/method-registry.js';
import { BUILTIN_METHOD_FAMILIES } from '../../src/gateway/methods/index.js';
import type { CallerInfo } from '../../src/gateway/method-context.js';
import type { GatewayServices } from '../../src/gateway/services.js';
import { dispatchOnce } from '../helpers/dispatch.js';

/** Independent statement of OpenClaw's operator-scopes rules (the oracle the gateway must agree with). */
function oracleAllows(access: string, role: string, scopes: readonly string[]): boolean {
  if (access === 'node') return role === 'node';
  if (role !== 'operator') return false;
  if (scopes.includes('operator.admin') || scopes.includes(access)) return true;
  return (access === 'operator.read' || access === 'operator.talk') && scopes.includes('operator.write');
}

const REACHED = { reached: true };
const realMethods = BUILTIN_METHOD_FAMILIES.flat() as MethodDefinition[];
// Same names and access as the real table; params accept anything and handlers only report that they ran.
const probeRegistry = new MethodRegistry([
  realMethods.map((m): MethodDefinition => ({ name: m.name, access: m.access, params: Type.Unknown(), result: Type.Unknown(), handler: () => REACHED })),
]);
const dispatcher = new Dispatcher({
  registry: probeRegistry,
  services: {} as GatewayServices,
  logger: createLogger({ level: 'silent', secrets: new SecretRegistry() }),
});

const callerArb = fc.record({
  role: fc.constantFrom('operator', 'node', 'worker', 'admin', ''),
  scopes: fc.uniqueArray(fc.constantFrom(...OPERATOR_SCOPES, 'operator.bogus', 'node', 'admin'), { maxLength: 6 }),
});

function callerOf(role: string, scopes: string[]): CallerInfo {
  return { connId: 'c', role: role as CallerInfo['role'], scopes, client: { id: 'cli', version: 't', platform: 'linux', mode: 'cli' } as CallerInfo['client'], remoteAddress: '127.0.0.1' };
}

function detailCode(response: { error?: { details?: unknown } }): unknown {
  return (response.error?.details as Record<string, unknown> | undefined)?.['code'];
}

describe('method access table (role × scope × method)', () => {
  it('reaches a handler exactly when the table allows the caller, and otherwise answers FORBIDDEN', async () => {
    await fc.assert(
      fc.asyncProperty(callerArb, fc.constantFrom(...realMethods), async ({ role, scopes }, method) => {
        const frame: RequestFrame = { type: 'req', id: '1', method: method.name, params: {} };
        const response = await dispatchOnce(dispatcher, frame, callerOf(role, scopes));
        const allowed = oracleAllows(method.access, role, scopes);
        assert.equal(response.ok, allowed, `${role} ${JSON.stringify(scopes)} → ${method.name} (${method.access})`);
        if (allowed) assert.deepEqual(response.payload, REACHED);
        else {
          assert.equal(response.error?.code, 'FORBIDDEN');
          assert.ok(['MISSING_SCOPE', 'ROLE_NOT_ALLOWED'].includes(String(detailCode(response))));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('denies every method name that is not in the table, whatever the caller holds', async () => {
    const known = new Set(probeRegistry.names());
    await fc.assert(
      fc.asyncProperty(callerArb, fc.string({ minLength: 1, maxLength: 40 }).filter((name) => !known.has(name)), async ({ role, scopes }, name) => {
        const response = await dispatchOnce(dispatcher, { type: 'req', id: '1', method: name }, callerOf(role, [...scopes, 'operator.admin']));
        assert.equal(response.ok, false);
        assert.equal(detailCode(response), 'UNKNOWN_METHOD');
      }),
      { numRuns: 500 },
    );
  });

  it('puts every device.* method behind operator.pairing, and setup codes behind operator.admin', () => {
    const access = new Map(realMethods.map((m) => [m.name, m.access]));
    for (const name of ['device.pair.list', 'device.pair.approve', 'device.pair.reject', 'device.pair.remove', 'device.token.rotate', 'device.token.revoke']) {
      assert.equal(access.get(name), 'operator.pairing', name);
    }
    assert.equal(access.get('device.pair.setupCode'), 'operator.admin');
  });
});
