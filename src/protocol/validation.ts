/** @module protocol/validation — compile a schema once, check values, and describe failures in one line. */
import type { TSchema, Static } from 'typebox';
import { Compile } from 'typebox/compile';

export interface CompiledSchema<T extends TSchema> {
  readonly schema: T;
  check(value: unknown): value is Static<T>;
  /** A short, human-readable reason naming the first offending path, e.g. `at /client/id: must be one of …`. */
  explain(value: unknown): string;
}

/** Compiles `schema` (throws on a broken schema, so callers fail at startup, not per request). */
export function compileSchema<T extends TSchema>(schema: T): CompiledSchema<T> {
  const validator = Compile(schema);
  return {
    schema,
    check: (value: unknown): value is Static<T> => validator.Check(value),
    explain: (value: unknown): string => {
      const errors = validator.Errors(value);
      // TypeBox reports an extra key twice (a `boolean` false-schema hit, then `additionalProperties`):
      // the latter names the key, so prefer it.
      const first = errors.find((e) => e.keyword === 'additionalProperties') ?? errors.find((e) => e.keyword !== 'boolean') ?? errors[0];
      if (first === undefined) return 'valid';
      const where = first.instancePath === '' ? 'root' : first.instancePath;
      if (first.keyword === 'additionalProperties') {
        const names = (first.params as { additionalProperties?: string[] }).additionalProperties ?? [];
        return `at ${where}: unexpected property ${names.map((n) => `'${n}'`).join(', ')}`;
      }
      return `at ${where}: ${first.message}`;
    },
  };
}
