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
  if (problems.length > 0) {
    throw new GatewayError('CONFIG_INVALID', { path, reason: problems.join('; '), problems });
  }
  if (!validator.check(parsed)) {
    throw new GatewayError('CONFIG_INVALID', { path, reason: validator.explain(parsed) });
  }
  return parsed;
}

/**
 * Lists config problems as `dotted.path: what is wrong`. Unknown keys are found by walking the value
 * beside the schema, so each one gets its full path and a did-you-mean.
 */
export function findConfigProblems(value: unknown): string[] {
  if (!isPlainObject(value)) return ['root: must be an object'];
  const problems: string[] = [];
  collectUnknownKeys(value, ClawgateConfigSchema, '', problems);
  if (problems.length > 0) return problems;
  if (!validator.check(value)) problems.push(describeTypeProblem(value));
  return problems;
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

function describeTypeProblem(value: unknown): string {
  const reason = validator.explain(value);
  // "at /gateway/port: must be integer" → "gateway.port: must be integer"
  const match = /^at (\S+): (.*)$/.exec(reason);
  if (match === null || match[1] === undefined) return reason;
  const path = match[1] === 'root' ? 'root' : match[1].replace(/^\//, '').replaceAll('/', '.');
  return `${path}: ${match[2] ?? ''}`;
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

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
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
