/** @module config/secret-strength — a conservative estimate of how guessable a token or password is (startup and `security audit` share it). */

/**
 * Estimated bits of entropy: the smaller of `poolBits` and `shannonBits`. The second term catches long
 * but repetitive secrets (`aaaaaaaa…`, `abcabcabc…`) that a pool-only estimate would rate highly. Good
 * enough to flag weak secrets; not a proof of strength.
 */
export function estimateSecretBits(secret: string): number {
  return Math.min(poolBits(secret), shannonBits(secret));
}

/** Length × log2(size of the character classes used): what a brute force over those classes faces. */
export function poolBits(secret: string): number {
  if (secret.length === 0) return 0;
  let pool = 0;
  if (/[a-z]/.test(secret)) pool += 26;
  if (/[A-Z]/.test(secret)) pool += 26;
  if (/[0-9]/.test(secret)) pool += 10;
  if (/[^A-Za-z0-9]/.test(secret)) pool += 33;
  return Math.floor(secret.length * Math.log2(Math.max(pool, 2)));
}

/**
 * Length × Shannon entropy of the characters used. Never above length × log2(length), so it rates
 * short random tokens low (16 random bytes in base64url score ~90): use it to catch repetition, not
 * to measure a random token.
 */
export function shannonBits(secret: string): number {
  if (secret.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const char of secret) counts.set(char, (counts.get(char) ?? 0) + 1);
  let perCharBits = 0;
  for (const count of counts.values()) {
    const p = count / secret.length;
    perCharBits -= p * Math.log2(p);
  }
  return Math.floor(perCharBits * secret.length);
}

/**
 * True when a token is fit for a network-reachable gateway: RECOMMENDED_TOKEN_BITS over its character
 * pool and no heavy repetition (Shannon term ≥ MINIMUM_TOKEN_BITS). A 128-bit random token in hex or
 * base64url passes; `a`, `1234…`, `aaaa…` and short words do not.
 */
export function isTokenStrongForExposure(token: string): boolean {
  return poolBits(token) >= RECOMMENDED_TOKEN_BITS && shannonBits(token) >= MINIMUM_TOKEN_BITS;
}

/** Bits a gateway token should have (the generated one has 256). */
export const RECOMMENDED_TOKEN_BITS = 128;
/** Below this a token is weak enough to call critical when the gateway is reachable from a network. */
export const MINIMUM_TOKEN_BITS = 64;
/**
 * Least estimated bits for a password on an exposed bind or Funnel. Lower than a token's because the
 * auth limiter meters guesses and people type passwords; a 4-word random passphrase clears it.
 */
export const MINIMUM_EXPOSED_PASSWORD_BITS = 64;
