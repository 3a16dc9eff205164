/**
 * @module config/secrets — secrets are marked once, in the config schema, and found from the mark.
 *
 * `Secret()` is a string schema carrying the `x-clawgate-secret` annotation. `secretPathsOf(schema)`
 * walks a schema (objects, records, arrays, unions) and lists the dotted paths of marked fields, with
 * `*` for record keys and array items (`models.providers.*.apiKey`). Everything that must hide a secret
 * derives from that list: `config.get` redaction, the logger's redact paths, and the values seeded into
 * the SecretRegistry.
 */
import Type, { type TSchema, type TString } from 'typebox';

/** The schema annotation that marks a secret string. */
export const SECRET_MARK = 'x-clawgate-secret';

/** A non-empty string that is a secret (token, password, API key). */
export function Secret(options: { minLength?: number; maxLength?: number; description?: string } = {}): TString {
  return Type.String({ minLength: 1, ...options, [SECRET_MARK]: true });
}

/** True when `schema` carries the secret mark. */
export function isSecretSchema(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && (schema as Record<string, unknown>)[SECRET_MARK] === true;
}

/** Dotted paths of every secret under `schema` (`*` stands for any record key or array index). */
export function secretPathsOf(schema: TSchema, prefix = ''): string[] {
  const paths = new Set<string>();
  collect(schema as SchemaNode, prefix, paths);
  return [...paths];
}

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  patternProperties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  allOf?: SchemaNode[];
}

function collect(node: SchemaNode, prefix: string, paths: Set<string>): void {
  if (isSecretSchema(node)) {
    paths.add(prefix);
    return;
  }
  const join = (key: string): string => (prefix === '' ? key : `${prefix}.${key}`);
  for (const [key, child] of Object.entries(node.properties ?? {})) collect(child, join(key), paths);
  for (const child of Object.values(node.patternProperties ?? {})) collect(child, join('*'), paths);
  if (typeof node.additionalProperties === 'object') collect(node.additionalProperties, join('*'), paths);
  if (node.items !== undefined) collect(node.items, join('*'), paths);
  for (const child of [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])]) collect(child, prefix, paths);
}

/** The string values found at `paths` in `value` (for seeding the SecretRegistry). */
export function secretValuesAt(value: unknown, paths: readonly string[]): string[] {
  const found: string[] = [];
  for (const path of paths) visit(value, path.split('.'), (leaf) => (typeof leaf === 'string' ? void found.push(leaf) : undefined));
  return found;
}

/** Calls `onLeaf` for every value at `segments` under `value`; `*` matches every key or index. */
export function visit(value: unknown, segments: readonly string[], onLeaf: (leaf: unknown, parent: Record<string, unknown>, key: string) => void): void {
  const [head, ...rest] = segments;
  if (head === undefined || typeof value !== 'object' || value === null) return;
  const record = value as Record<string, unknown>;
  const keys = head === '*' ? Object.keys(record) : head in record ? [head] : [];
  for (const key of keys) {
    if (rest.length === 0) onLeaf(record[key], record, key);
    else visit(record[key], rest, onLeaf);
  }
}

/**
 * pino redact paths for secret fields logged inside an object: each secret's own key, at the top
 * level and one level down (`apiKey`, `*.apiKey`), which is how handlers log provider and account objects.
 */
export function logRedactPathsFor(secretPaths: readonly string[]): string[] {
  const keys = new Set(secretPaths.map((path) => path.split('.').at(-1)!).filter((key) => key !== '*' && /^[A-Za-z_$][\w$]*$/.test(key)));
  return [...keys].flatMap((key) => [key, `*.${key}`]);
}
