/**
 * Every method Clawgate serves needs the same scope as in OpenClaw's published method table
 * (`methods` in @openclaw/gateway-protocol's protocol.schema.json), so OpenClaw clients asking for
 * the scopes they would ask OpenClaw for are never refused (or over-granted) here.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BUILTIN_METHOD_FAMILIES } from '../../src/gateway/methods/index.js';
import { AGENT_CONTRACTS, CHAT_CONTRACTS, CLAWGATE_EXTENSION_CONTRACTS, DEVICE_CONTRACTS, EXEC_APPROVAL_CONTRACTS, NODE_CONTRACTS, SEND_CONTRACTS, SESSIONS_CONTRACTS, SYSTEM_CONTRACTS } from '../../src/protocol/index.js';
import { createAgentFeature } from '../../src/agent/feature.js';
import { protocolSchemaPath } from '../helpers/protocol-schema.js';

function publishedScopes(): Record<string, { scope: string }> {
  return (JSON.parse(readFileSync(protocolSchemaPath(), 'utf8')) as { methods: Record<string, { scope: string }> }).methods;
}

describe('method scopes vs OpenClaw', () => {
  const published = publishedScopes();
  // The core's methods and the agent feature's (the gateway run by `clawgate gateway run`).
  const ours = [...BUILTIN_METHOD_FAMILIES.flat(), ...(createAgentFeature().methods ?? [])];
  const FEATURE_CONTRACTS = [...AGENT_CONTRACTS, ...SEND_CONTRACTS, ...CHAT_CONTRACTS, ...SESSIONS_CONTRACTS, ...EXEC_APPROVAL_CONTRACTS];
  // Clawgate's own methods, declared as such in protocol/: they must never shadow an OpenClaw name.
  const EXTENSION_CONTRACTS = [...CLAWGATE_EXTENSION_CONTRACTS];
  const extensionNames = new Set<string>(EXTENSION_CONTRACTS.map((contract) => contract.name));

  it('knows the published table', () => {
    assert.ok(Object.keys(published).length > 100);
  });

  it('requires the published scope for every method OpenClaw also has', () => {
    const differences = ours
      .filter((method) => published[method.name] !== undefined)
      // `dynamic` methods pick their scope from params; ours declare the base scope and gate inside.
      .filter((method) => published[method.name]!.scope !== 'dynamic' && published[method.name]!.scope !== method.access)
      .map((method) => `${method.name}: ours ${method.access}, OpenClaw ${published[method.name]!.scope}`);
    assert.deepEqual(differences, []);
  });

  it('serves no method that OpenClaw does not publish, except the declared Clawgate extensions', () => {
    assert.deepEqual(ours.filter((method) => published[method.name] === undefined && !extensionNames.has(method.name)).map((m) => m.name), []);
  });

  it('names no Clawgate extension as OpenClaw publishes a method', () => {
    assert.deepEqual([...extensionNames].filter((name) => published[name] !== undefined), []);
  });

  it('declares every contract in protocol/ (served, or only called by our clients) with the published scope', () => {
    const contracts = [...SYSTEM_CONTRACTS, ...DEVICE_CONTRACTS, ...NODE_CONTRACTS, ...FEATURE_CONTRACTS];
    const differences = contracts
      .filter((contract) => published[contract.name]?.scope !== 'dynamic' && published[contract.name]?.scope !== contract.access)
      .map((contract) => `${contract.name}: ours ${contract.access}, OpenClaw ${published[contract.name]?.scope ?? 'unpublished'}`);
    assert.deepEqual(differences, []);
  });

  it('serves every method from a contract in protocol/ (the gateway never re-declares one)', () => {
    const contracts = new Map<string, unknown>([...SYSTEM_CONTRACTS, ...DEVICE_CONTRACTS, ...NODE_CONTRACTS, ...FEATURE_CONTRACTS, ...EXTENSION_CONTRACTS].map((contract) => [contract.name, contract]));
    const redeclared = ours.filter((method) => {
      const contract = contracts.get(method.name) as { params: unknown; result: unknown; access: string } | undefined;
      return contract === undefined || contract.params !== method.params || contract.result !== method.result || contract.access !== method.access;
    });
    assert.deepEqual(redeclared.map((method) => method.name), []);
  });
});
