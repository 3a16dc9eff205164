/**
 * @module config/load — read clawgate.json (JSON5), validate it strictly, and explain every problem.
 *
 * A missing file is an empty config. A syntax error names the line and column. An unknown key names
 * its full path and the closest known key (`gateway.prot: unknown key (did you mean gateway.port?)`).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import JSON5 from 'json5';
import Type, { type TObject, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { compileSchema, GatewayError, type CompiledSchema } from '../protocol/index.js';
import { ClawgateConfigSchema, SECRET_CONFIG_PATHS, type ClawgateConfig } from './schema.js';
import { secretPathsOf } from './secrets.js';

export interface LoadedConfig {
  path: string;
  exists: boolean;
  /** The core's typed view; features read their own section (validated against its schema). */
  config: ClawgateConfig;
  /** SHA-256 of the raw file (empty string hash when missing), for optimistic concurrency and status. */
  hash: string;
  /** Every secret path of the schema it was checked against (core + features' sections). */
  secretPaths: readonly string[];
}

/** A top-level section a feature adds to clawgate.json (`models`, `channels` …). */
export interface ConfigSection {
  readonly key: string;
  readonly schema: TSchema;
}

export interface LoadConfigOptions {
  /** Features' sections, validated like the core's (unknown keys inside them are errors too). */
  sections?: readonly ConfigSection[];
  /**
   * Accept top-level keys nobody declared, unchecked (client commands: they do not load the
   * features, and must not fail on a section only the daemon understands).
   */
  allowUnknownSections?: boolean;
}

interface ConfigValidator {
  schema: TObject;
  compiled: CompiledSchema<TObject>;
  /** The raw compiled validator, for the full error list (compileSchema's explain gives only the first). */
  errors: (value: unknown) => SchemaErrorLike[];
}

/**
 * Compiles `schema` once. The raw validator behind the full error list is compiled again only when a
 * config is invalid: compiling the whole config schema costs milliseconds, and every command and the
 * gateway's start pay it.
 */
function createValidator(schema: TObject): ConfigValidator {
  let full: ReturnType<typeof Compile> | undefined;
  return { schema, compiled: compileSchema(schema), errors: (value) => (full ??= Compile(schema)).Errors(value) as SchemaErrorLike[] };
}

/** The core-only validator, compiled on first use (the gateway validates with features' sections instead). */
let coreValidator: ConfigValidator | undefined;

function coreConfigValidator(): ConfigValidator {
  return (coreValidator ??= createValidator(ClawgateConfigSchema));
}

/** The config schema with features' sections added; DUPLICATE_CONFIG_SECTION for a clash. */
export function buildConfigSchema(options: LoadConfigOptions = {}): TObject {
  const sections = options.sections ?? [];
  if (sections.length === 0 && options.allowUnknownSections !== true) return ClawgateConfigSchema;
  const properties: Record<string, TSchema> = { ...ClawgateConfigSchema.properties };
  for (const section of sections) {
    if (section.key in properties) throw new GatewayError('DUPLICATE_CONFIG_SECTION', { section: section.key });
    properties[section.key] = Type.Optional(section.schema);
  }
  return Type.Object(properties, { additionalProperties: options.allowUnknownSections === true });
}

function validatorFor(options: LoadConfigOptions): ConfigValidator {
  const schema = buildConfigSchema(options);
  return schema === ClawgateConfigSchema ? coreConfigValidator() : createValidator(schema);
}

/** Reads and validates the config at `path`; throws `GatewayError('CONFIG_INVALID')` with a precise reason. */
export function loadConfig(path: string, options: LoadConfigOptions = {}): LoadedConfig {
  const validator = validatorFor(options);
  const secretPaths = validator.schema === ClawgateConfigSchema ? SECRET_CONFIG_PATHS : secretPathsOf(validator.schema);
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (error) {
    if (isErrnoCode(error, 'ENOENT')) return { path, exists: false, config: {}, hash: sha256(''), secretPaths };
    throw new GatewayError('CONFIG_INVALID', { path, reason: `cannot read file (${errnoCode(error)})` });
  }
  return { path, exists: true, config: parseWith(raw, path, validator), hash: sha256(raw), secretPaths };
}

/** Parses and validates config text; `path` only labels errors. */
export function parseConfigText(raw: string, path: string, options: LoadConfigOptions = {}): ClawgateConfig {
  return parseWith(raw, path, validatorFor(options));
}

function parseWith(raw: string, path: string, validator: ConfigValidator): ClawgateConfig {
  let parsed: unknown;
  try {
    parsed = raw.trim() === '' ? {} : JSON5.parse(raw);
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message.replace(/^JSON5: /, '') : 'unparseable';
    throw new GatewayError('CONFIG_INVALID', { path, reason: `syntax error: ${reason}` });
  }
  const problems = problemsWith(parsed, validator);
  if (problems.length > 0 || !validator.compiled.check(parsed)) {
    const reason = problems.length === 1 ? (problems[0] ?? '') : `${problems.length} problems:\n  ${problems.join('\n  ')}`;
    throw new GatewayError('CONFIG_INVALID', { path, reason, problems });
  }
  return parsed as ClawgateConfig;
}

/**
 * Lists every config problem at once as `dotted.path: what is wrong`. Unknown keys are found by
 * walking the value beside the schema, so each one gets its full path and a did-you-mean; type and
 * enum problems come from the validator, one line per path, with the allowed values listed.
 */
export function findConfigProblems(value: unknown, options: LoadConfigOptions = {}): string[] {
  return problemsWith(value, validatorFor(options));
}

function problemsWith(value: unknown, validator: ConfigValidator): string[] {
  if (!isPlainObject(value)) return ['root: must be an object'];
  const problems: string[] = [];
  collectUnknownKeys(value, validator.schema, '', problems);
  if (!validator.compiled.check(value)) {
    const unknownKeyPaths = new Set(problems.map((problem) => problem.slice(0, problem.indexOf(':'))));
    problems.push(...describeTypeProblems(value, validator, unknownKeyPaths));
  }
  return problems;
}

function collectUnknownKeys(value: Record<string, unknown>, schema: TSchema, prefix: string, problems: string[]): void {
  const properties = (schema as { properties?: Record<string, TSchema> }).properties ?? {};
  const isOpen = (schema as { additionalProperties?: unknown }).additionalProperties === true;
  const known = Object.keys(properties);
  for (const [key, child] of Object.entries(value)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    const childSchema = properties[key];
    if (childSchema === undefined && isOpen) continue;
    if (childSchema === undefined) {
      const suggestion = closestKey(key, known);
      const hint = suggestion === undefined ? `known keys: ${known.join(', ')}` : `did you mean ${prefix === '' ? '' : `${prefix}.`}${suggestion}?`;
      problems.push(`${path}: unknown key (${hint})`);
      continue;
    }
    if (isPlainObject(child) && (childSchema as { properties?: unknown }).properties !== undefined) {
      collectUnknownKeys(child, childSchema, path, problems);
    }
  }
}

interface SchemaErrorLike {
  keyword: string;
  instancePath: string;
  message: string;
  params: Record<string, unknown>;
}

/** One line per offending path; enums (and unions of literals) list their values and a did-you-mean. */
function describeTypeProblems(value: unknown, validator: ConfigValidator, unknownKeyPaths: ReadonlySet<string>): string[] {
  const byPath = new Map<string, SchemaErrorLike[]>();
  for (const error of validator.errors(value)) {
    // Extra keys are already reported with a did-you-mean by collectUnknownKeys.
    if (error.keyword === 'additionalProperties' || error.keyword === 'boolean') continue;
    const path = error.instancePath === '' ? 'root' : error.instancePath.replace(/^\//, '').replaceAll('/', '.');
    if (unknownKeyPaths.has(path)) continue;
    byPath.set(path, [...(byPath.get(path) ?? []), error]);
  }
  const lines: string[] = [];
  for (const [path, errors] of byPath) {
    const allowed = errors.flatMap((e) => allowedValuesOf(e));
    if (allowed.length === 0) {
      lines.push(`${path}: ${errors[0]?.message ?? 'invalid'}`);
      continue;
    }
    const got = valueAt(value, path);
    const suggestion = typeof got === 'string' ? closestKey(got, allowed.map(String)) : undefined;
    const hint = suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`;
    lines.push(`${path}: must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(got)}${hint}`);
  }
  return lines;
}

function allowedValuesOf(error: SchemaErrorLike): unknown[] {
  if (error.keyword === 'enum' && Array.isArray(error.params['allowedValues'])) return error.params['allowedValues'];
  if (error.keyword === 'const' && 'allowedValue' in error.params) return [error.params['allowedValue']];
  return [];
}

function valueAt(root: unknown, dottedPath: string): unknown {
  let current = root;
  for (const key of dottedPath.split('.')) {
    if (!isPlainObject(current) && !Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The known key nearest to `key` by edit distance (at most 3 edits), if any. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const threshold = Math.min(3, Math.max(1, Math.floor(key.length / 2)));
  return bestDistance <= threshold ? best : undefined;
}

/** Edit distance counting a swap of two neighbours as one edit ("lna" → "lan"), the commonest typo. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const previous = rows[i - 1] ?? [];
      let best = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      current[j] = best;
    }
    rows.push(current);
  }
  return rows[a.length]?.[b.length] ?? 0;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function errnoCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unknown error';
}

function isErrnoCode(error: unknown, code: string): boolean {
  return errnoCode(error) === code;
}
