/**
 * @module store/bootstrap-tokens — one-time setup-code tokens, stored only as hashes.
 *
 * A token is short-lived (default 10 minutes): that is how long it can be used to *start* pairing.
 * The first device that presents it claims it; from then on only that device may use it, to wait for
 * approval and retry, for up to CLAIMED_TOKEN_LIFETIME_MS after the token was issued (so an approval
 * that comes after the code's TTL still reaches the device). Once the device has received its own
 * device token the bootstrap token is redeemed and dead. Another device presenting a claimed token,
 * or anyone presenting an expired or redeemed one, is refused.
 */
import type { SqliteDatabase } from './database.js';
import { hashSecret } from './secrets.js';

/** Default lifetime of a setup code (OpenClaw's node setup link also expires after 10 minutes). */
export const DEFAULT_BOOTSTRAP_TTL_MS = 10 * 60 * 1000;

/** How long a claimed token keeps working for its device (to collect its device token after approval). */
export const CLAIMED_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

export interface IssuedBootstrapToken {
  token: string;
  expiresAtMs: number;
}

/**
 * What a bootstrap token grants: `pair` queues a pairing request an operator approves (setup codes);
 * `owner` approves the claiming device at once as an operator (`clawgate dashboard`, issued by an
 * admin for their own browser), still single-use and bound to the first device key that shows it.
 */
export type BootstrapProfile = 'pair' | 'owner';

/** Why a bootstrap token was refused (logged and audited, never sent to the client). */
export type BootstrapRefusal = 'unknown' | 'expired' | 'redeemed' | 'claimed-by-other-device';

interface BootstrapRow {
  token_hash: string;
  created_at_ms: number;
  expires_at_ms: number;
  claimed_by: string | null;
  redeemed_at_ms: number | null;
}

export class BootstrapTokenRepository {
  readonly #db: SqliteDatabase;
  readonly #createSecret: () => string;

  constructor(db: SqliteDatabase, createSecret: () => string) {
    this.#db = db;
    this.#createSecret = createSecret;
  }

  issue(ttlMs: number, nowMs: number, profile: BootstrapProfile = 'pair'): IssuedBootstrapToken {
    const token = this.#createSecret();
    const expiresAtMs = nowMs + ttlMs;
    this.#db.prepareCached('INSERT INTO bootstrap_tokens (token_hash, created_at_ms, expires_at_ms, profile) VALUES (?, ?, ?, ?)').run(hashSecret(token), nowMs, expiresAtMs, profile);
    return { token, expiresAtMs };
  }

  /** The profile of a known token (check `claim` first); `pair` for anything unexpected. */
  profileOf(token: string): BootstrapProfile {
    const row = this.#db.prepareCached('SELECT profile FROM bootstrap_tokens WHERE token_hash = ?').get(hashSecret(token)) as { profile: string } | undefined;
    return row?.profile === 'owner' ? 'owner' : 'pair';
  }

  /**
   * Checks `token` for `deviceId` and claims it for that device on first use. Returns undefined when
   * the device may proceed, else the reason it may not. (The lookup is by hash, so no timing leak.)
   */
  claim(token: string, deviceId: string, nowMs: number): BootstrapRefusal | undefined {
    const hash = hashSecret(token);
    const row = this.#db.prepareCached('SELECT token_hash, created_at_ms, expires_at_ms, claimed_by, redeemed_at_ms FROM bootstrap_tokens WHERE token_hash = ?').get(hash) as
      | BootstrapRow
      | undefined;
    if (row === undefined) return 'unknown';
    if (row.redeemed_at_ms !== null) return 'redeemed';
    if (row.claimed_by !== null && row.claimed_by !== deviceId) return 'claimed-by-other-device';
    const validUntilMs = row.claimed_by === deviceId ? row.created_at_ms + CLAIMED_TOKEN_LIFETIME_MS : row.expires_at_ms;
    if (validUntilMs <= nowMs) return 'expired';
    if (row.claimed_by === null) {
      this.#db.prepareCached('UPDATE bootstrap_tokens SET claimed_by = ?, claimed_at_ms = ? WHERE token_hash = ?').run(deviceId, nowMs, hash);
    }
    return undefined;
  }

  /** Marks the token used up (its device now holds a device token). */
  redeem(token: string, nowMs: number): void {
    this.#db.prepareCached('UPDATE bootstrap_tokens SET redeemed_at_ms = ? WHERE token_hash = ?').run(nowMs, hashSecret(token));
  }

  /** Deletes tokens no device can use any more (issued more than CLAIMED_TOKEN_LIFETIME_MS ago). */
  purgeExpired(nowMs: number): number {
    return this.#db.prepareCached('DELETE FROM bootstrap_tokens WHERE created_at_ms <= ?').run(nowMs - CLAIMED_TOKEN_LIFETIME_MS).changes;
  }
}
