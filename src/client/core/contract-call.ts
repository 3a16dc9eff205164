/**
 * @module client/core/contract-call — what `call(contract, params)` adds to a raw request.
 *
 * The scopes to ask for come from the contract (protocol/contract.ts `contractScopes`); the result
 * and the interim ack can be checked against the contract's schemas. Checking is on in tests and CI
 * (CLAWGATE_VALIDATE_RESULTS=1, or the client's `validateResults` option) and off otherwise, so a
 * newer gateway that adds a field never breaks a released client.
 */
import type { TSchema } from 'typebox';
import { compileSchema, GatewayError, type CompiledSchema, type ContractAck, type MethodContract } from '../../protocol/index.js';

/** Options of one `call`. */
export interface CallOptions<C extends MethodContract = MethodContract> {
  /** Budget for the final answer, in ms (default DEFAULT_RPC_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Receives the interim ack of a two-response contract (e.g. `agent`'s `accepted`). */
  onAck?: (ack: ContractAck<C>) => void;
}

const compiled = new WeakMap<TSchema, CompiledSchema<TSchema>>();

/** True when the environment asks for result validation (CLAWGATE_VALIDATE_RESULTS=1); false in a browser. */
export function isResultValidationRequested(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.['CLAWGATE_VALIDATE_RESULTS'] === '1';
}

/** Throws RESULT_SCHEMA_MISMATCH unless `payload` fits the contract's `part` schema (compiled once per schema). */
export function assertContractPayload(contract: MethodContract, part: 'result' | 'ack', payload: unknown): void {
  const schema = part === 'result' ? contract.result : contract.ack;
  if (schema === undefined) return;
  let validator = compiled.get(schema);
  if (validator === undefined) {
    validator = compileSchema(schema);
    compiled.set(schema, validator);
  }
  if (!validator.check(payload)) throw new GatewayError('RESULT_SCHEMA_MISMATCH', { method: contract.name, part, reason: validator.explain(payload) });
}
