/**
 * @module store/pairing-requests — pending pairing requests, one per device, alive for 5 minutes.
 *
 * A device that retries while waiting keeps its request (same id) and pushes its expiry out again; a
 * retry asking for a different role or scope set replaces it with a fresh request, as OpenClaw does.
 */
import type { SqliteDatabase } from './database.js';
import type { DeviceMetadata, Loose } from './devices.js';
import { deviceMetadataFrom, listJson, parseList } from './rows.js';

/** How long a pending request lives after the device's last attempt (OpenClaw PENDING_TTL_MS). */
export const PAIRING_REQUEST_TTL_MS = 5 * 60 * 1000;

/** Why a request exists: a new device, or a paired one asking for a new role or wider scopes. */
export type PairingReason = 'not-paired' | 'role-upgrade' | 'scope-upgrade';

export interface PairingRequest extends DeviceMetadata {
  requestId: string;
  deviceId: string;
  publicKey: string;
  role: string;
  /** Requested operator scopes (sorted). */
  scopes: string[];
  reason: PairingReason;
  remoteAddress?: string;
  createdAtMs: number;
  expiresAtMs: number;
}

export interface RequestPairingInput extends Loose<DeviceMetadata> {
  deviceId: string;
  publicKey: string;
  role: string;
  scopes: readonly string[];
  reason: PairingReason;
  remoteAddress?: string | undefined;
}

interface RequestRow {
  request_id: string;
  device_id: string;
  public_key: string;
  display_name: string | null;
  platform: string | null;
  device_family: string | null;
  client_id: string | null;
  client_mode: string | null;
  role: string;
  scopes_json: string;
  reason: string;
  remote_address: string | null;
  created_at_ms: number;
  expires_at_ms: number;
}

export class PairingRequestRepository {
  readonly #db: SqliteDatabase;
  readonly #createId: () => string;

  constructor(db: SqliteDatabase, createId: () => string) {
    this.#db = db;
    this.#createId = createId;
  }

  /** The live request with this id (expired ones count as gone). */
  get(requestId: string, nowMs: number): PairingRequest | undefined {
    const row = this.#db.prepareCached('SELECT * FROM pairing_requests WHERE request_id = ? AND expires_at_ms > ?').get(requestId, nowMs) as
      | RequestRow
      | undefined;
    return row === undefined ? undefined : toRequest(row);
  }

  getByDevice(deviceId: string, nowMs: number): PairingRequest | undefined {
    const row = this.#db.prepareCached('SELECT * FROM pairing_requests WHERE device_id = ? AND expires_at_ms > ?').get(deviceId, nowMs) as
      | RequestRow
      | undefined;
    return row === undefined ? undefined : toRequest(row);
  }

  /** Live requests, newest first. */
  list(nowMs: number): PairingRequest[] {
    const rows = this.#db.prepareCached('SELECT * FROM pairing_requests WHERE expires_at_ms > ? ORDER BY created_at_ms DESC, rowid DESC').all(nowMs) as RequestRow[];
    return rows.map(toRequest);
  }

  /**
   * Creates the device's request, or refreshes the live one when it asks for the same role and scopes.
   * `isNew` says whether operators should be told (a refresh is not news).
   */
  upsert(input: RequestPairingInput, nowMs: number): { request: PairingRequest; isNew: boolean } {
    const scopes = listJson(input.scopes);
    const existing = this.getByDevice(input.deviceId, nowMs);
    const expiresAtMs = nowMs + PAIRING_REQUEST_TTL_MS;
    if (existing !== undefined && existing.role === input.role && listJson(existing.scopes) === scopes && existing.publicKey === input.publicKey) {
      this.#db.prepareCached('UPDATE pairing_requests SET expires_at_ms = ? WHERE request_id = ?').run(expiresAtMs, existing.requestId);
      return { request: { ...existing, expiresAtMs }, isNew: false };
    }
    this.#db.prepareCached('DELETE FROM pairing_requests WHERE device_id = ?').run(input.deviceId);
    const requestId = this.#createId();
    this.#db
      .prepareCached(
        `INSERT INTO pairing_requests (request_id, device_id, public_key, display_name, platform, device_family, client_id,
           client_mode, role, scopes_json, reason, remote_address, created_at_ms, expires_at_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        requestId,
        input.deviceId,
        input.publicKey,
        input.displayName ?? null,
        input.platform ?? null,
        input.deviceFamily ?? null,
        input.clientId ?? null,
        input.clientMode ?? null,
        input.role,
        scopes,
        input.reason,
        input.remoteAddress ?? null,
        nowMs,
        expiresAtMs,
      );
    const request = this.get(requestId, nowMs);
    if (request === undefined) throw new Error(`pairing request ${requestId} vanished inside its own transaction`);
    return { request, isNew: true };
  }

  remove(requestId: string): boolean {
    return this.#db.prepareCached('DELETE FROM pairing_requests WHERE request_id = ?').run(requestId).changes > 0;
  }

  removeForDevice(deviceId: string): PairingRequest[] {
    const rows = this.#db.prepareCached('SELECT * FROM pairing_requests WHERE device_id = ?').all(deviceId) as RequestRow[];
    this.#db.prepareCached('DELETE FROM pairing_requests WHERE device_id = ?').run(deviceId);
    return rows.map(toRequest);
  }

  /** Drops expired requests; returns how many. */
  purgeExpired(nowMs: number): number {
    return this.#db.prepareCached('DELETE FROM pairing_requests WHERE expires_at_ms <= ?').run(nowMs).changes;
  }
}

function toRequest(row: RequestRow): PairingRequest {
  const optional = deviceMetadataFrom(row);
  return {
    requestId: row.request_id,
    deviceId: row.device_id,
    publicKey: row.public_key,
    role: row.role,
    scopes: parseList(row.scopes_json),
    reason: row.reason as PairingReason,
    createdAtMs: row.created_at_ms,
    expiresAtMs: row.expires_at_ms,
    ...optional,
  };
}
