/** @module security/secret-strength — a conservative estimate of how guessable a token or password is. */

/**
 * Estimated bits of entropy: the smaller of "length × log2(character pool)" and "length × Shannon
 * entropy of the characters used". The second term catches long but repetitive secrets
 * (`aaaaaaaa…`, `abcabcabc…`) that a pool-only estimate would rate highly. Good enough to flag weak
 * secrets; not a proof of strength.
 */
export function estimateSecretBits(secret: string): number {
  if (secret.length === 0) return 0;
  let pool = 0;
  if (/[a-z]/.test(secret)) pool += 26;
  if (/[A-Z]/.test(secret)) pool += 26;
  if (/[0-9]/.test(secret)) pool += 10;
  if (/[^A-Za-z0-9]/.test(secret)) pool += 33;
  const poolBits = secret.length * Math.log2(Math.max(pool, 2));
  const counts = new Map<string, number>();
  for (const char of secret) counts.set(char, (counts.get(char) ?? 0) + 1);
  let perCharBits = 0;
  for (const count of counts.values()) {
    const p = count / secret.length;
    perCharBits -= p * Math.log2(p);
  }
  return Math.floor(Math.min(poolBits, perCharBits * secret.length));
}

/** Bits a gateway token should have (the generated one has 256). */
export const RECOMMENDED_TOKEN_BITS = 128;
/** Below this a token is weak enough to call critical when the gateway is reachable from a network. */
export const MINIMUM_TOKEN_BITS = 64;
