/** @module config/redact — copies of config with every secret replaced, for `config.get`, logs and CLI output. */
import { SECRET_CONFIG_PATHS } from './schema.js';

export const REDACTED = '[redacted]';

/** Deep copy of `config` with each secret path (and any key named token/password/secret) redacted. */
export function redactConfig(config: unknown): Record<string, unknown> {
  const copy = structuredClone(config ?? {}) as Record<string, unknown>;
  for (const path of SECRET_CONFIG_PATHS) redactPath(copy, path.split('.'));
  redactByKeyName(copy);
  return copy;
}

function redactPath(target: Record<string, unknown>, segments: string[]): void {
  const [head, ...rest] = segments;
  if (head === undefined || !(head in target)) return;
  if (rest.length === 0) {
    target[head] = REDACTED;
    return;
  }
  const next = target[head];
  if (typeof next === 'object' && next !== null) redactPath(next as Record<string, unknown>, rest);
}

const SECRET_KEY = /^(token|password|secret|bootstrapToken|deviceToken|privateKey|apiKey)$/i;

function redactByKeyName(value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  for (const [key, child] of Object.entries(value)) {
    if (SECRET_KEY.test(key) && typeof child === 'string') (value as Record<string, unknown>)[key] = REDACTED;
    else redactByKeyName(child);
  }
}
