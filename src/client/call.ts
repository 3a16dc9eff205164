/** @module client/call — one-shot RPC: connect, call one method, close. What every CLI command does. */
import { GatewayClient, type GatewayClientOptions } from './gateway-client.js';
import type { HelloOk } from '../protocol/index.js';

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

/** Connects, sends `method`, and closes; the timeout covers the whole call. */
export async function callGateway<T = unknown>(method: string, params: unknown, options: CallGatewayOptions): Promise<CallGatewayResult<T>> {
  const startedAt = performance.now();
  const client = new GatewayClient({ ...options, connectTimeoutMs: options.timeoutMs ?? options.connectTimeoutMs });
  try {
    const hello = await client.connect();
    const requestOptions: { timeoutMs?: number; expectFinal?: boolean } = {};
    if (options.timeoutMs !== undefined) requestOptions.timeoutMs = options.timeoutMs;
    if (options.expectFinal !== undefined) requestOptions.expectFinal = options.expectFinal;
    const payload = await client.request<T>(method, params, requestOptions);
    return { payload, hello, latencyMs: Math.round(performance.now() - startedAt) };
  } finally {
    client.close();
  }
}
