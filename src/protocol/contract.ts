/**
 * @module protocol/contract — a method's contract, declared once and shared by gateway and clients.
 *
 * The contract is what both sides agree on: the wire name, who may call it, the params and result
 * schemas and, for two-response methods such as OpenClaw's `agent`, the interim acknowledgement. The
 * gateway binds a handler to it (`implement` in gateway/method-registry.ts); clients call it
 * (`client.call(contract, params)`), deriving the scopes to request and the result type from it.
 */
import type { TSchema } from 'typebox';
import type { MethodAccess } from './scopes.js';

export interface MethodContract<P extends TSchema = TSchema, R extends TSchema = TSchema, A extends TSchema | undefined = TSchema | undefined> {
  /** Wire name, spelled as OpenClaw spells it (`system-presence`, `logs.tail`). */
  readonly name: string;
  /** The operator scope needed, or `node` for node-only methods. */
  readonly access: MethodAccess;
  readonly params: P;
  /** The final response's payload. */
  readonly result: R;
  /** Payload of the interim `accepted` response sent on the same request id before the final one. */
  readonly ack?: A;
}

/** Declares a contract with its types inferred from the schemas. */
export function defineContract<P extends TSchema, R extends TSchema, A extends TSchema | undefined = undefined>(
  contract: MethodContract<P, R, A>,
): MethodContract<P, R, A> {
  return contract;
}
