/**
 * @module protocol/contract — a method's contract, declared once and shared by gateway and clients.
 *
 * The contract is what both sides agree on: the wire name, who may call it, the params and result
 * schemas and, for two-response methods such as OpenClaw's `agent`, the interim acknowledgement. The
 * gateway binds a handler to it (`implement` in gateway/method-registry.ts); clients call it
 * (`client.call(contract, params)`), deriving the scopes to request and the result type from it.
 */
import type { Static, TSchema } from 'typebox';
import type { MethodAccess, OperatorScope } from './scopes.js';

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
  /**
   * Scopes the handler may demand on top of `access`, depending on the params or on what they refer
   * to (OpenClaw's `dynamic` methods: approving a node surface with system.run needs admin). The
   * gateway checks them inside the handler; clients request them so such a call is not refused.
   */
  dynamicScopes?(params: Static<P>): readonly OperatorScope[];
}

/** Declares a contract with its types inferred from the schemas. */
export function defineContract<P extends TSchema, R extends TSchema, A extends TSchema | undefined = undefined>(
  contract: MethodContract<P, R, A>,
): MethodContract<P, R, A> {
  return contract;
}

/** The params a contract takes, as a TypeScript type. */
export type ContractParams<C extends MethodContract> = Static<C['params']>;

/** The final result a contract returns, as a TypeScript type. */
export type ContractResult<C extends MethodContract> = Static<C['result']>;

/** The interim ack payload of a two-response contract (`never` when it has none). */
export type ContractAck<C extends MethodContract> = [NonNullable<C['ack']>] extends [never] ? never : Static<NonNullable<C['ack']>>;

/**
 * The operator scopes a client asks for to call `contract` with `params`: its `access` plus any
 * `dynamicScopes`, without repeats. A node-only method needs the node role, not a scope: none.
 */
export function contractScopes<C extends MethodContract>(contract: C, params?: ContractParams<C>): OperatorScope[] {
  const scopes: OperatorScope[] = contract.access === 'node' ? [] : [contract.access];
  for (const scope of contract.dynamicScopes?.(params as Static<C['params']>) ?? []) if (!scopes.includes(scope)) scopes.push(scope);
  return scopes;
}
