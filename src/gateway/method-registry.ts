/**
 * @module gateway/method-registry — a method is one declaration; the registry derives the rest.
 *
 * From each `MethodDefinition` (name, access, params schema, result schema, handler) the registry
 * compiles the validators once at startup and derives the advertised method list and the access
 * table. A duplicate name or a schema that fails to compile stops the gateway at startup.
 */
import type { Static, TSchema } from 'typebox';
import { compileSchema, GatewayError, type CompiledSchema, type MethodAccess, type MethodContract } from '../protocol/index.js';
import type { MethodContext } from './method-context.js';

export interface MethodDefinition<P extends TSchema = TSchema, R extends TSchema = TSchema> {
  /** Wire name, spelled as OpenClaw spells it (`system-presence`, `logs.tail`). */
  readonly name: string;
  /** The operator scope needed, or `node` for node-only methods. */
  readonly access: MethodAccess;
  readonly params: P;
  readonly result: R;
  /** Runs with validated params; returns the result or throws a `GatewayError`. */
  readonly handler: (params: Static<P>, context: MethodContext) => Static<R> | Promise<Static<R>>;
}

/** Declares a method with its params and result types inferred from the schemas. */
export function defineMethod<P extends TSchema, R extends TSchema>(definition: MethodDefinition<P, R>): MethodDefinition<P, R> {
  return definition;
}

/** Binds a handler to a contract declared in `protocol/methods/`; the contract is never re-declared. */
export function implement<P extends TSchema, R extends TSchema>(
  contract: MethodContract<P, R, TSchema | undefined>,
  handler: MethodDefinition<P, R>['handler'],
): MethodDefinition<P, R> {
  return { name: contract.name, access: contract.access, params: contract.params, result: contract.result, handler };
}

export interface RegisteredMethod {
  readonly definition: MethodDefinition;
  readonly params: CompiledSchema<TSchema>;
  readonly result: CompiledSchema<TSchema>;
}

/** The compiled set of methods the dispatcher serves. */
export class MethodRegistry {
  readonly #methods = new Map<string, RegisteredMethod>();

  constructor(families: readonly (readonly MethodDefinition[])[]) {
    for (const definition of families.flat()) {
      if (this.#methods.has(definition.name)) throw new GatewayError('DUPLICATE_METHOD', { method: definition.name });
      this.#methods.set(definition.name, {
        definition,
        params: compileOrThrow(definition.name, definition.params),
        result: compileOrThrow(definition.name, definition.result),
      });
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
