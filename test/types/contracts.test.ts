/**
 * Type-level pins of the contracts: the params and result types `client.call` derives from
 * protocol/methods/ (compile-time, after Hono's `expectTypeOf` habit, with no extra dependency), plus
 * the scopes derived at run time. A contract change that alters a derived type fails `tsc`.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { GatewayClient } from '../../src/client/index.js';
import {
  agent,
  agentWait,
  contractScopes,
  devicePairApprove,
  health,
  logsTail,
  nodeInvoke,
  nodeInvokeResult,
  nodeList,
  nodePairApprove,
  send,
  status,
  type AgentAck,
  type ContractAck,
  type ContractParams,
  type ContractResult,
  type HealthSummary,
  type NodeEntry,
  type StatusResult,
} from '../../src/protocol/index.js';

/** True only when A and B are the same type (not merely assignable either way). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Compiles only when `T` is `true`: `expectType<Equal<X, Y>>()`. */
function expectType<T extends true>(): T | undefined {
  return undefined;
}

type CallResult<C extends Parameters<GatewayClient['call']>[0]> = Awaited<ReturnType<typeof callAs<C>>>;
declare function callAs<C extends Parameters<GatewayClient['call']>[0]>(contract: C, params: ContractParams<C>): ReturnType<GatewayClient['call']> & Promise<ContractResult<C>>;

describe('contract types (checked by tsc)', () => {
  it('derives the result type of client.call from the contract', () => {
    expectType<Equal<ContractResult<typeof health>, HealthSummary>>();
    expectType<Equal<ContractResult<typeof status>, StatusResult>>();
    expectType<Equal<ContractResult<typeof nodeList>['nodes'], NodeEntry[]>>();
    expectType<Equal<CallResult<typeof health>, HealthSummary>>();
    expectType<Equal<ContractResult<typeof nodeInvokeResult>['ok'], true>>();
    expectType<Equal<ContractResult<typeof agentWait>['status'], 'ok' | 'error' | 'timeout' | 'pending'>>();
    assert.equal(health.name, 'health');
  });

  it('derives params, closed where the wire is closed', () => {
    expectType<Equal<ContractParams<typeof health>, { probe?: boolean }>>();
    expectType<Equal<ContractParams<typeof logsTail>, { cursor?: number; limit?: number; maxBytes?: number }>>();
    expectType<Equal<ContractParams<typeof agentWait>, { runId: string; timeoutMs?: number }>>();
    expectType<Equal<ContractParams<typeof send>['parseMode'], 'HTML' | undefined>>();
    const ok: ContractParams<typeof agent> = { message: 'hi', idempotencyKey: 'k', timeout: 30 };
    // @ts-expect-error agent params are OpenClaw's closed AgentParams: an unknown key does not compile.
    const unknownKey: ContractParams<typeof agent> = { message: 'hi', idempotencyKey: 'k', bogusField: true };
    // @ts-expect-error idempotencyKey is required.
    const missingKey: ContractParams<typeof agent> = { message: 'hi' };
    assert.ok(ok.message === 'hi' && unknownKey !== undefined && missingKey !== undefined);
  });

  it('gives two-response contracts an ack type and the others none', () => {
    expectType<Equal<ContractAck<typeof agent>, AgentAck>>();
    expectType<Equal<ContractAck<typeof agent>['status'], 'accepted' | 'in_flight'>>();
    expectType<Equal<ContractAck<typeof health>, never>>();
    assert.notEqual(agent.ack, undefined);
    assert.equal(health.ack, undefined);
  });
});

describe('contractScopes', () => {
  it('asks for the access scope, plus the dynamic ones these params may need', () => {
    assert.deepEqual(contractScopes(health, {}), ['operator.read']);
    assert.deepEqual(contractScopes(nodePairApprove, { requestId: 'r' }), ['operator.pairing', 'operator.admin', 'operator.write']);
    assert.deepEqual(contractScopes(devicePairApprove, { requestId: 'r' }), ['operator.pairing', 'operator.admin']);
    assert.deepEqual(contractScopes(nodeInvoke, { nodeId: 'n', command: 'system.which', idempotencyKey: 'k' }), ['operator.write']);
    assert.deepEqual(contractScopes(nodeInvoke, { nodeId: 'n', command: 'fs.listDir', idempotencyKey: 'k' }), ['operator.write', 'operator.admin']);
    assert.deepEqual(contractScopes(agent, { message: 'hello', idempotencyKey: 'k' }), ['operator.write']);
    assert.deepEqual(contractScopes(agent, { message: '/reset now', idempotencyKey: 'k' }), ['operator.write', 'operator.admin']);
  });

  it('asks for no scope for a node-only method (the role is what counts)', () => {
    assert.deepEqual(contractScopes(nodeInvokeResult, { id: 'i', nodeId: 'n', ok: true }), []);
  });
});
