/**
 * @module config/edit — `clawgate config get|set|unset`: dotted paths checked against the schema,
 * values typed by the schema, the whole file re-validated as at start-up, and atomic writes.
 *
 * A write goes to a temp file in the same directory (mode 0600, or the file's current mode), is
 * fsynced, renamed over the config, and the directory is fsynced: a crash leaves the old file or the
 * new one, never half of one. The file is rewritten as JSON (valid JSON5); comments are not kept.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import JSON5 from 'json5';
import type { TSchema } from 'typebox';
import { GatewayError } from '../protocol/index.js';
import { buildConfigSchema, closestKey, findConfigProblems, type ConfigSection } from './load.js';

/**
 * The schema node a dotted path names, after checking every segment (did-you-mean on a typo).
 * `sections` are the features' top-level sections (`models`, `channels` …), checked the same way.
 */
export function resolveConfigPath(path: string, sections: readonly ConfigSection[] = []): { segments: string[]; schema: TSchema } {
  const segments = path.split('.');
  if (path.trim() === '' || segments.some((segment) => segment === '')) {
    throw new GatewayError('CONFIG_PATH_UNKNOWN', { path: JSON.stringify(path), hint: ' (use a dotted path such as gateway.port)' });
  }
  let schema: TSchema = buildConfigSchema({ sections });
  for (const [index, segment] of segments.entries()) {
    const properties = propertiesOf(schema);
    const child = properties?.[segment];
    if (properties === undefined || child === undefined) {
      const parent = segments.slice(0, index).join('.');
      const known = Object.keys(properties ?? {});
      const suggestion = closestKey(segment, known);
      const prefix = parent === '' ? '' : `${parent}.`;
      const hint =
        suggestion !== undefined ? ` (did you mean ${prefix}${suggestion}?)` : known.length > 0 ? ` (keys under ${parent || 'the root'}: ${known.join(', ')})` : ` (${parent} has no keys below it)`;
      throw new GatewayError('CONFIG_PATH_UNKNOWN', { path, hint });
    }
    schema = child;
  }
  return { segments, schema };
}

function propertiesOf(schema: TSchema): Record<string, TSchema> | undefined {
  return (schema as { properties?: Record<string, TSchema> }).properties;
}

/** True when the schema accepts only strings (string, string enum, union of string literals). */
function isStringOnly(schema: TSchema): boolean {
  const record = schema as { type?: unknown; enum?: unknown[]; anyOf?: TSchema[]; const?: unknown };
  if (record.type === 'string') return true;
  if (Array.isArray(record.enum)) return record.enum.every((value) => typeof value === 'string');
  if (Array.isArray(record.anyOf)) return record.anyOf.every(isStringOnly);
  return typeof record.const === 'string';
}

/**
 * Turns the command-line text into a value: as is for string-only paths (so a token `123456` stays a
 * string), JSON5 otherwise (`18790`, `true`, `["a","b"]`, `{mode:"serve"}`).
 */
export function parseConfigValue(path: string, text: string, sections: readonly ConfigSection[] = []): unknown {
  const { schema } = resolveConfigPath(path, sections);
  if (isStringOnly(schema)) return text;
  try {
    return JSON5.parse(text);
  } catch {
    // A bare word for a non-string path: let validation say what type it wants.
    return text;
  }
}

/** The value at a path, or undefined. */
export function getAt(config: Record<string, unknown>, segments: readonly string[]): unknown {
  let current: unknown = config;
  for (const segment of segments) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** A copy of `config` with the path set; every problem of the result is reported at once. */
export function setAt(config: Record<string, unknown>, path: string, value: unknown, filePath: string, sections: readonly ConfigSection[] = []): Record<string, unknown> {
  const { segments } = resolveConfigPath(path, sections);
  const copy = structuredClone(config);
  let current: Record<string, unknown> = copy;
  for (const segment of segments.slice(0, -1)) {
    const next = current[segment];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) current[segment] = {};
    current = current[segment] as Record<string, unknown>;
  }
  current[segments.at(-1) ?? ''] = value;
  assertValid(copy, filePath, sections);
  return copy;
}

/** A copy without the path (emptied parent objects are removed too); `removed` says whether it was set. */
export function unsetAt(config: Record<string, unknown>, path: string, sections: readonly ConfigSection[] = []): { config: Record<string, unknown>; removed: boolean } {
  const { segments } = resolveConfigPath(path, sections);
  const copy = structuredClone(config);
  const removed = removeAt(copy, segments);
  return { config: copy, removed };
}

function removeAt(target: Record<string, unknown>, segments: readonly string[]): boolean {
  const [head, ...rest] = segments;
  if (head === undefined || !(head in target)) return false;
  if (rest.length === 0) {
    delete target[head];
    return true;
  }
  const child = target[head];
  if (typeof child !== 'object' || child === null || Array.isArray(child)) return false;
  const removed = removeAt(child as Record<string, unknown>, rest);
  if (removed && Object.keys(child).length === 0) delete target[head];
  return removed;
}

function assertValid(config: unknown, filePath: string, sections: readonly ConfigSection[]): void {
  const problems = findConfigProblems(config, { sections });
  if (problems.length === 0) return;
  const reason = problems.length === 1 ? (problems[0] ?? '') : `${problems.length} problems:\n  ${problems.join('\n  ')}`;
  throw new GatewayError('CONFIG_INVALID', { path: filePath, reason, problems });
}

/** Writes `text` to `path` atomically (temp file + fsync + rename + dir fsync), keeping a private mode. */
export function writeFileAtomic(path: string, text: string, defaultMode = 0o600): void {
  const dir = dirname(path);
  let mode = defaultMode;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    // New file: the default mode.
  }
  const temp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const fd = openSync(temp, 'wx', mode);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    const reason = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'write failed';
    throw new GatewayError('CONFIG_WRITE_FAILED', { path, reason });
  }
  try {
    const dirFd = openSync(dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename itself is already atomic.
  }
}

/** The config as file text (JSON, which is valid JSON5). */
export function serializeConfig(config: Record<string, unknown>): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}
