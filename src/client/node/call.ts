/** @module client/node/call — one-shot RPC: connect, call one method, close. What every CLI command does. */
import { contractScopes, type ContractParams, type ContractResult, type HelloOk, type MethodContract } from '../../protocol/index.js';
import type { CallOptions } from '../core/contract-call.js';
import { GatewayClient, type GatewayClientOptions } from './gateway-client.js';

export interface CallGatewayOptions extends GatewayClientOptions {
  timeoutMs?: number;
  expectFinal?: boolean;
}

export interface CallGatewayResult<T> {
  payload: T;
  hello: HelloOk;
  /** Wall time from socket open to the answer, in ms. */
  latencyMs: number;
}

/** Connects, sends `method`, and closes; the timeout covers the whole call. For raw calls (`gateway call`). */
export async function callGateway<T = unknown>(method: string, params: unknown, options: CallGatewayOptions): Promise<CallGatewayResult<T>> {
  return oneShot(options, async (client) => {
    const requestOptions: { timeoutMs?: number; expectFinal?: boolean } = {};
    if (options.timeoutMs !== undefined) requestOptions.timeoutMs = options.timeoutMs;
    if (options.expectFinal !== undefined) requestOptions.expectFinal = options.expectFinal;
    return client.request<T>(method, params, requestOptions);
  });
}

export interface CallContractOptions<C extends MethodContract> extends Omit<CallGatewayOptions, 'expectFinal'> {
  onAck?: CallOptions<C>['onAck'];
}

/**
 * Connects asking for exactly the scopes `contract` needs for `params` (unless `scopes` is given),
 * calls it, and closes. The result is typed and, in tests and CI, validated against the contract.
 */
export async function callContract<C extends MethodContract>(
  contract: C,
  params: ContractParams<C>,
  options: CallContractOptions<C>,
): Promise<CallGatewayResult<ContractResult<C>>> {
  const scopes = options.scopes ?? contractScopes(contract, params);
  return oneShot({ ...options, scopes }, (client) => {
    const callOptions: CallOptions<C> = {};
    if (options.timeoutMs !== undefined) callOptions.timeoutMs = options.timeoutMs;
    if (options.onAck !== undefined) callOptions.onAck = options.onAck;
    return client.call(contract, params, callOptions);
  });
}

async function oneShot<T>(options: CallGatewayOptions, run: (client: GatewayClient) => Promise<T>): Promise<CallGatewayResult<T>> {
  const startedAt = performance.now();
  const client = new GatewayClient({ ...options, connectTimeoutMs: options.timeoutMs ?? options.connectTimeoutMs });
  try {
    const hello = await client.connect();
    const payload = await run(client);
    return { payload, hello, latencyMs: Math.round(performance.now() - startedAt) };
  } finally {
    client.close();
  }
}
