/** @module config/redact — copies of config with every secret replaced, for `config.get`, logs and CLI output. */
import { SECRET_CONFIG_PATHS } from './schema.js';
import { visit } from './secrets.js';

export const REDACTED = '[redacted]';

/**
 * Deep copy of `config` with the value at each secret path redacted. The paths come from the
 * schema's `Secret()` marks: the core's by default, or a loaded config's `secretPaths`, which add
 * the features' sections (`models.providers.*.apiKey`).
 */
export function redactConfig(config: unknown, secretPaths: readonly string[] = SECRET_CONFIG_PATHS): Record<string, unknown> {
  const copy = structuredClone(config ?? {}) as Record<string, unknown>;
  for (const path of secretPaths) {
    visit(copy, path.split('.'), (leaf, parent, key) => {
      if (leaf !== undefined && leaf !== null) parent[key] = REDACTED;
    });
  }
  return copy;
}
