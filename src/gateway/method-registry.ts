/**
 * @module gateway/method-registry — a method is one declaration; the registry derives the rest.
 *
 * From each `MethodDefinition` (name, access, params, result and optional ack schemas, idempotency
 * policy, handler) the registry compiles the validators once at startup and derives the advertised
 * method list and the access table. A duplicate name or a schema that fails to compile stops the
 * gateway at startup.
 *
 * Where results are checked (tests and CI, `shouldValidateResults`) every validator compiles at
 * startup, so a broken schema stops every test gateway at once (rule 7). Elsewhere each one compiles
 * when first used: production never uses result and ack validators, and a gateway serves a handful
 * of its ~150 methods; compiling ~450 validators was a third of `gateway run`'s start-up work and
 * their generated code stayed in the heap.
 */
import type { Static, TSchema } from 'typebox';
import { compileSchema, GatewayError, type CompiledSchema, type MethodAccess, type MethodContract } from '../protocol/index.js';
import type { CallerInfo, MethodContext } from './method-context.js';
import type { RequestOutcome } from './idempotency.js';

/**
 * Dedupe declared on a method and run once, in the dispatcher (gateway/idempotency.ts).
 * - `join`: a repeat receives the first request's ack and final outcome (node.invoke).
 * - `inFlight`: while the first still runs, a repeat gets `inFlightResult(params)` as its one final
 *   response (OpenClaw's `{runId, status:"in_flight"}` for agent and chat.send); once settled it
 *   gets the remembered outcome until `ttlMs` passed.
 */
export interface IdempotencyPolicy<P = unknown> {
  /** The dedupe key; `undefined` means this request is not deduplicated. */
  key(params: P, caller: CallerInfo): string | undefined;
  /** How long a settled outcome is remembered (ms); 0 forgets it as soon as it settles. */
  readonly ttlMs: number;
  readonly onDuplicate: 'join' | 'inFlight';
  /** For `inFlight`: the final response a repeat gets while the first request still runs. */
  inFlightResult?(params: P): unknown;
  /** What a repeat must match to be a duplicate rather than IDEMPOTENCY_KEY_CONFLICT (default: nothing beyond the key). */
  fingerprint?(params: P): string;
  /** Whether an outcome is remembered (default: every outcome); e.g. not a refusal before any work ran. */
  isRemembered?(outcome: RequestOutcome): boolean;
}

export interface MethodDefinition<P extends TSchema = TSchema, R extends TSchema = TSchema, A extends TSchema = TSchema> {
  /** Wire name, spelled as OpenClaw spells it (`system-presence`, `logs.tail`). */
  readonly name: string;
  /** The operator scope needed, or `node` for node-only methods. */
  readonly access: MethodAccess;
  readonly params: P;
  readonly result: R;
  /** Payload schema of the interim response sent by `context.accept(ack)` (two-response methods). */
  readonly ack?: A;
  readonly idempotency?: IdempotencyPolicy<Static<P>>;
  /**
   * A caller check beyond the `access` floor that depends on the params (e.g. admin-only node
   * commands). Runs before idempotency, so a repeat can never join an outcome its caller may not see.
   */
  authorize?(params: Static<P>, context: MethodContext<Static<A>>): void;
  /** Runs with validated params; returns the result or throws a `GatewayError`. */
  readonly handler: (params: Static<P>, context: MethodContext<Static<A>>) => Static<R> | Promise<Static<R>>;
}

/** Declares a method with its params and result types inferred from the schemas. */
export function defineMethod<P extends TSchema, R extends TSchema, A extends TSchema = TSchema>(definition: MethodDefinition<P, R, A>): MethodDefinition<P, R, A> {
  return definition;
}

/** What `implement` adds to a contract besides the handler. */
export interface ImplementOptions<P extends TSchema, A extends TSchema> {
  idempotency?: IdempotencyPolicy<Static<P>>;
  authorize?: MethodDefinition<P, TSchema, A>['authorize'];
}

type AckOf<C> = C extends MethodContract<TSchema, TSchema, infer A> ? (A extends TSchema ? A : TSchema) : TSchema;

/** Binds a handler to a contract declared in `protocol/methods/`; the contract is never re-declared. */
export function implement<P extends TSchema, R extends TSchema, C extends MethodContract<P, R, TSchema | undefined>>(
  contract: C & MethodContract<P, R, TSchema | undefined>,
  handler: MethodDefinition<P, R, AckOf<C>>['handler'],
  options: ImplementOptions<P, AckOf<C>> = {},
): MethodDefinition<P, R, AckOf<C>> {
  const definition: { -readonly [K in keyof MethodDefinition<P, R, AckOf<C>>]: MethodDefinition<P, R, AckOf<C>>[K] } = {
    name: contract.name,
    access: contract.access,
    params: contract.params,
    result: contract.result,
    handler,
  };
  if (contract.ack !== undefined) definition.ack = contract.ack as AckOf<C>;
  if (options.idempotency !== undefined) definition.idempotency = options.idempotency;
  if (options.authorize !== undefined) definition.authorize = options.authorize;
  return definition;
}

/** A method and its validators, each compiled at startup or on first read (see the module header). */
export interface RegisteredMethod {
  readonly definition: MethodDefinition;
  readonly params: CompiledSchema<TSchema>;
  readonly result: CompiledSchema<TSchema>;
  /** Undefined when the method declares no ack. */
  readonly ack: CompiledSchema<TSchema> | undefined;
}

export interface MethodRegistryOptions {
  /** Compile every validator now (results are checked: tests, CI); default false: each on first use. */
  shouldCompileEagerly?: boolean;
}

/** A registered method whose validators compile when first read (all at once when eager). */
class LazyRegisteredMethod implements RegisteredMethod {
  readonly definition: MethodDefinition;
  #params: CompiledSchema<TSchema> | undefined;
  #result: CompiledSchema<TSchema> | undefined;
  #ack: CompiledSchema<TSchema> | undefined;

  constructor(definition: MethodDefinition, shouldCompileEagerly: boolean) {
    this.definition = definition;
    if (shouldCompileEagerly) void [this.params, this.result, this.ack];
  }

  get params(): CompiledSchema<TSchema> {
    return (this.#params ??= compileOrThrow(this.definition.name, this.definition.params));
  }

  get result(): CompiledSchema<TSchema> {
    return (this.#result ??= compileOrThrow(this.definition.name, this.definition.result));
  }

  get ack(): CompiledSchema<TSchema> | undefined {
    if (this.definition.ack === undefined) return undefined;
    return (this.#ack ??= compileOrThrow(this.definition.name, this.definition.ack));
  }
}

/** The compiled set of methods the dispatcher serves. */
export class MethodRegistry {
  readonly #methods = new Map<string, RegisteredMethod>();

  constructor(families: readonly (readonly MethodDefinition[])[], options: MethodRegistryOptions = {}) {
    for (const definition of families.flat()) {
      if (this.#methods.has(definition.name)) throw new GatewayError('DUPLICATE_METHOD', { method: definition.name });
      this.#methods.set(definition.name, new LazyRegisteredMethod(definition, options.shouldCompileEagerly === true));
    }
  }

  get(name: string): RegisteredMethod | undefined {
    return this.#methods.get(name);
  }

  /** Method names, in registration order, for `hello-ok.features.methods`. */
  names(): string[] {
    return [...this.#methods.keys()];
  }
}

function compileOrThrow(method: string, schema: TSchema): CompiledSchema<TSchema> {
  try {
    return compileSchema(schema);
  } catch (error) {
    throw new GatewayError('SCHEMA_BUILD_FAILED', { method, reason: error instanceof Error ? error.message : 'unknown' });
  }
}
