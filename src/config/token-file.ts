/**
 * @module config/token-file — the gateway token generated on first start when none is configured.
 *
 * 32 random bytes, base64url, in `<stateDir>/gateway-token` with mode 0600 (dir 0700). The gateway
 * creates it; the local CLI reads it so commands on the gateway host need no flags.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from './edit.js';
import type { StatePaths } from './paths.js';

/** Reads the generated token, creating it (32 random bytes, base64url, file mode 0600) on first use. */
export function loadOrCreateGeneratedToken(paths: StatePaths): string {
  try {
    const existing = readFileSync(paths.tokenPath, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if (!(typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT')) throw error;
  }
  mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('base64url');
  // Atomic (temp + fsync + rename): a crash or a full disk never leaves a half-written token.
  writeFileAtomic(paths.tokenPath, `${token}\n`, 0o600);
  chmodSync(paths.tokenPath, 0o600);
  return token;
}

/** Reads the generated token if one exists (the local CLI uses it); undefined otherwise. */
export function readGeneratedToken(paths: StatePaths): string | undefined {
  try {
    const token = readFileSync(paths.tokenPath, 'utf8').trim();
    return token === '' ? undefined : token;
  } catch {
    return undefined;
  }
}
