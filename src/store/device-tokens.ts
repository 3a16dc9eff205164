/**
 * @module store/device-tokens — per-device, per-role bearer tokens, stored only as hashes.
 *
 * One row per (device, role). Issuing again replaces the hash (the old token stops working at once)
 * and stamps `rotatedAtMs`; revoking keeps the row with `revokedAtMs` so `devices list` can show it.
 */
import type { SqliteDatabase } from './database.js';
import { dropNulls, listJson, parseList } from './rows.js';
import { hashSecret, secretMatchesHash } from './secrets.js';

/** What is known about a token; never the token itself. */
export interface DeviceTokenSummary {
  role: string;
  scopes: string[];
  /** When the current token was issued. */
  issuedAtMs: number;
  rotatedAtMs?: number;
  revokedAtMs?: number;
  lastUsedAtMs?: number;
}

export interface IssuedDeviceToken {
  token: string;
  role: string;
  scopes: string[];
  issuedAtMs: number;
}

interface TokenRow {
  device_id: string;
  role: string;
  token_hash: string;
  scopes_json: string;
  created_at_ms: number;
  rotated_at_ms: number | null;
  revoked_at_ms: number | null;
  last_used_at_ms: number | null;
}

export class DeviceTokenRepository {
  readonly #db: SqliteDatabase;
  readonly #createSecret: () => string;

  constructor(db: SqliteDatabase, createSecret: () => string) {
    this.#db = db;
    this.#createSecret = createSecret;
  }

  /** Mints a token for (device, role), replacing any previous one. The plaintext is returned once, never stored. */
  issue(deviceId: string, role: string, scopes: readonly string[], nowMs: number): IssuedDeviceToken {
    const token = this.#createSecret();
    this.#db
      .prepareCached(
        `INSERT INTO device_tokens (device_id, role, token_hash, scopes_json, created_at_ms)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (device_id, role) DO UPDATE SET
           token_hash = excluded.token_hash, scopes_json = excluded.scopes_json,
           rotated_at_ms = excluded.created_at_ms, created_at_ms = excluded.created_at_ms,
           revoked_at_ms = NULL, last_used_at_ms = NULL`,
      )
      .run(deviceId, role, hashSecret(token), listJson(scopes), nowMs);
    return { token, role, scopes: parseList(listJson(scopes)), issuedAtMs: nowMs };
  }

  /** The live (not revoked) token of this device that equals `token`, checked in constant time. */
  match(deviceId: string, token: string): (DeviceTokenSummary & { deviceId: string }) | undefined {
    const rows = this.#db.prepareCached('SELECT * FROM device_tokens WHERE device_id = ? AND revoked_at_ms IS NULL').all(deviceId) as TokenRow[];
    // Compare against every row so the time taken does not say which role matched.
    let found: TokenRow | undefined;
    for (const row of rows) if (secretMatchesHash(token, row.token_hash)) found = row;
    return found === undefined ? undefined : { deviceId, ...toSummary(found) };
  }

  get(deviceId: string, role: string): DeviceTokenSummary | undefined {
    const row = this.#db.prepareCached('SELECT * FROM device_tokens WHERE device_id = ? AND role = ?').get(deviceId, role) as TokenRow | undefined;
    return row === undefined ? undefined : toSummary(row);
  }

  listForDevice(deviceId: string): DeviceTokenSummary[] {
    const rows = this.#db.prepareCached('SELECT * FROM device_tokens WHERE device_id = ? ORDER BY role').all(deviceId) as TokenRow[];
    return rows.map(toSummary);
  }

  /** Marks the token revoked; true when a live token was revoked. */
  revoke(deviceId: string, role: string, nowMs: number): boolean {
    return (
      this.#db.prepareCached('UPDATE device_tokens SET revoked_at_ms = ? WHERE device_id = ? AND role = ? AND revoked_at_ms IS NULL').run(nowMs, deviceId, role)
        .changes > 0
    );
  }

  /** Changes the scopes of the live token in place (an approved scope upgrade); the bearer stays the same. */
  setScopes(deviceId: string, role: string, scopes: readonly string[]): void {
    this.#db.prepareCached('UPDATE device_tokens SET scopes_json = ? WHERE device_id = ? AND role = ? AND revoked_at_ms IS NULL').run(listJson(scopes), deviceId, role);
  }

  markUsed(deviceId: string, role: string, nowMs: number): void {
    this.#db.prepareCached('UPDATE device_tokens SET last_used_at_ms = ? WHERE device_id = ? AND role = ?').run(nowMs, deviceId, role);
  }
}

function toSummary(row: TokenRow): DeviceTokenSummary {
  return {
    role: row.role,
    scopes: parseList(row.scopes_json),
    issuedAtMs: row.created_at_ms,
    ...dropNulls({ rotatedAtMs: row.rotated_at_ms, revokedAtMs: row.revoked_at_ms, lastUsedAtMs: row.last_used_at_ms }),
  };
}
