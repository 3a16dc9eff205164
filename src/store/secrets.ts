/**
 * @module store/secrets — how bearer secrets (device tokens, bootstrap tokens) are made and kept.
 *
 * Secrets are 32 random bytes (base64url), so a plain SHA-256 is a safe one-way form to store: there
 * is nothing to brute-force. Comparisons go through `timingSafeEqual` on equal-length digests.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh bearer secret: 32 random bytes, base64url (43 characters). */
export function createSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The stored form of a secret: lowercase hex SHA-256. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** True when `secret` hashes to `storedHash`, compared in constant time. */
export function secretMatchesHash(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
