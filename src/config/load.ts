/**
 * @module config/load — read clawgate.json (JSON5), validate it strictly, and explain every problem.
 *
 * A missing file is an empty config. A syntax error names the line and column. An unknown key names
 * its full path and the closest known key (`gateway.prot: unknown key (did you mean gateway.port?)`).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import JSON5 from 'json5';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { compileSchema, GatewayError } from '../protocol/index.js';
import { ClawgateConfigSchema, type ClawgateConfig } from './schema.js';

export interface LoadedConfig {
  path: string;
  exists: boolean;
  config: ClawgateConfig;
  /** SHA-256 of the raw file (empty string hash when missing), for optimistic concurrency and status. */
  hash: string;
}

const validator = compileSchema(ClawgateConfigSchema);
/** The raw compiled validator, for the full error list (compileSchema's explain gives only the first). */
const fullValidator = Compile(ClawgateConfigSchema);

/** Reads and validates the config at `path`; throws `GatewayError('CONFIG_INVALID')` with a precise reason. */
export function loadConfig(path: string): LoadedConfig {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (error) {
    if (isErrnoCode(error, 'ENOENT')) return { path, exists: false, config: {}, hash: sha256('') };
    throw new GatewayError('CONFIG_INVALID', { path, reason: `cannot read file (${errnoCode(error)})` });
  }
  return { path, exists: true, config: parseConfigText(raw, path), hash: sha256(raw) };
}

/** Parses and validates config text; `path` only labels errors. */
export function parseConfigText(raw: string, path: string): ClawgateConfig {
  let parsed: unknown;
  try {
    parsed = raw.trim() === '' ? {} : JSON5.parse(raw);
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message.replace(/^JSON5: /, '') : 'unparseable';
    throw new GatewayError('CONFIG_INVALID', { path, reason: `syntax error: ${reason}` });
  }
  const problems = findConfigProblems(parsed);
  if (problems.length > 0 || !validator.check(parsed)) {
    const reason = problems.length === 1 ? (problems[0] ?? '') : `${problems.length} problems:\n  ${problems.join('\n  ')}`;
    throw new GatewayError('CONFIG_INVALID', { path, reason, problems });
  }
  return parsed;
}

/**
 * Lists every config problem at once as `dotted.path: what is wrong`. Unknown keys are found by
 * walking the value beside the schema, so each one gets its full path and a did-you-mean; type and
 * enum problems come from the validator, one line per path, with the allowed values listed.
 */
export function findConfigProblems(value: unknown): string[] {
  if (!isPlainObject(value)) return ['root: must be an object'];
  const problems: string[] = [];
  collectUnknownKeys(value, ClawgateConfigSchema, '', problems);
  if (!validator.check(value)) problems.push(...describeTypeProblems(value, new Set(problems.map((p) => p.slice(0, p.indexOf(':'))))));
  return problems;
}

interface SchemaErrorLike {
  keyword: string;
  instancePath: string;
  message: string;
  params: Record<string, unknown>;
}

/** One line per offending path; enums (and unions of literals) list their values and a did-you-mean. */
function describeTypeProblems(value: unknown, unknownKeyPaths: ReadonlySet<string>): string[] {
  const byPath = new Map<string, SchemaErrorLike[]>();
  for (const error of fullValidator.Errors(value) as SchemaErrorLike[]) {
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

function collectUnknownKeys(value: Record<string, unknown>, schema: TSchema, prefix: string, problems: string[]): void {
  const properties = (schema as { properties?: Record<string, TSchema> }).properties ?? {};
  const known = Object.keys(properties);
  for (const [key, child] of Object.entries(value)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    const childSchema = properties[key];
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
