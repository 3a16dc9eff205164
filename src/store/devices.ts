/** @module store/devices — paired devices: the durable record of who was let in, with which roles and scopes. */
import type { SqliteDatabase } from './database.js';
import { deviceMetadataFrom, dropNulls, listJson, parseList } from './rows.js';

/** Self-reported client metadata kept with a device (never used for any decision). */
export interface DeviceMetadata {
  displayName?: string;
  platform?: string;
  deviceFamily?: string;
  clientId?: string;
  clientMode?: string;
}

/** Input form of a record: optional fields may also be passed as undefined. */
export type Loose<T> = { [K in keyof T]?: T[K] | undefined };

export interface PairedDevice extends DeviceMetadata {
  deviceId: string;
  publicKey: string;
  /** Roles the device is approved for (sorted). */
  roles: string[];
  /** Operator scopes the device is approved for (sorted). */
  scopes: string[];
  /** How it was approved: `operator` (an approver), `shared-secret` (connected with the owner's secret). */
  approvedVia: string;
  /** Operator-set name (device.pair.rename); survives the device's own metadata refreshes. */
  label?: string;
  remoteAddress?: string;
  createdAtMs: number;
  approvedAtMs: number;
  lastSeenAtMs?: number;
}

export interface ApproveDeviceInput extends Loose<DeviceMetadata> {
  deviceId: string;
  publicKey: string;
  roles: readonly string[];
  scopes: readonly string[];
  approvedVia: string;
  remoteAddress?: string | undefined;
}

interface DeviceRow {
  device_id: string;
  public_key: string;
  display_name: string | null;
  platform: string | null;
  device_family: string | null;
  client_id: string | null;
  client_mode: string | null;
  roles_json: string;
  scopes_json: string;
  approved_via: string;
  remote_address: string | null;
  created_at_ms: number;
  approved_at_ms: number;
  last_seen_at_ms: number | null;
  label: string | null;
}

export class DeviceRepository {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  get(deviceId: string): PairedDevice | undefined {
    const row = this.#db.prepareCached('SELECT * FROM devices WHERE device_id = ?').get(deviceId) as DeviceRow | undefined;
    return row === undefined ? undefined : toDevice(row);
  }

  list(): PairedDevice[] {
    const rows = this.#db.prepareCached('SELECT * FROM devices ORDER BY approved_at_ms DESC').all() as DeviceRow[];
    return rows.map(toDevice);
  }

  /**
   * Records an approval. Roles and scopes are merged (union) with what the device already had, as in
   * OpenClaw; metadata is refreshed. Returns the stored record.
   */
  approve(input: ApproveDeviceInput, nowMs: number): PairedDevice {
    const existing = this.get(input.deviceId);
    const roles = listJson([...(existing?.roles ?? []), ...input.roles]);
    const scopes = listJson([...(existing?.scopes ?? []), ...input.scopes]);
    this.#db
      .prepareCached(
        `INSERT INTO devices (device_id, public_key, display_name, platform, device_family, client_id, client_mode,
           roles_json, scopes_json, approved_via, remote_address, created_at_ms, approved_at_ms, last_seen_at_ms)
         VALUES (@deviceId, @publicKey, @displayName, @platform, @deviceFamily, @clientId, @clientMode,
           @roles, @scopes, @approvedVia, @remoteAddress, @now, @now, NULL)
         ON CONFLICT (device_id) DO UPDATE SET
           public_key = excluded.public_key,
           display_name = coalesce(excluded.display_name, devices.display_name),
           platform = coalesce(excluded.platform, devices.platform),
           device_family = coalesce(excluded.device_family, devices.device_family),
           client_id = coalesce(excluded.client_id, devices.client_id),
           client_mode = coalesce(excluded.client_mode, devices.client_mode),
           roles_json = excluded.roles_json,
           scopes_json = excluded.scopes_json,
           approved_via = excluded.approved_via,
           remote_address = coalesce(excluded.remote_address, devices.remote_address),
           approved_at_ms = excluded.approved_at_ms`,
      )
      .run({
        deviceId: input.deviceId,
        publicKey: input.publicKey,
        displayName: input.displayName ?? null,
        platform: input.platform ?? null,
        deviceFamily: input.deviceFamily ?? null,
        clientId: input.clientId ?? null,
        clientMode: input.clientMode ?? null,
        roles,
        scopes,
        approvedVia: input.approvedVia,
        remoteAddress: input.remoteAddress ?? null,
        now: nowMs,
      });
    const stored = this.get(input.deviceId);
    if (stored === undefined) throw new Error(`device ${input.deviceId} vanished inside its own transaction`);
    return stored;
  }

  /** Notes a successful connect (last seen, address). */
  touch(deviceId: string, nowMs: number, remoteAddress: string | undefined): void {
    this.#db
      .prepareCached('UPDATE devices SET last_seen_at_ms = ?, remote_address = coalesce(?, remote_address) WHERE device_id = ?')
      .run(nowMs, remoteAddress ?? null, deviceId);
  }

  /** Sets the operator-chosen label; true when the device exists. */
  setLabel(deviceId: string, label: string): boolean {
    return this.#db.prepareCached('UPDATE devices SET label = ? WHERE device_id = ?').run(label, deviceId).changes > 0;
  }

  /** Deletes the device and (by cascade) its tokens. True when it existed. */
  remove(deviceId: string): boolean {
    return this.#db.prepareCached('DELETE FROM devices WHERE device_id = ?').run(deviceId).changes > 0;
  }
}

function toDevice(row: DeviceRow): PairedDevice {
  const optional = { ...deviceMetadataFrom(row), ...dropNulls({ lastSeenAtMs: row.last_seen_at_ms, label: row.label }) };
  return {
    deviceId: row.device_id,
    publicKey: row.public_key,
    roles: parseList(row.roles_json),
    scopes: parseList(row.scopes_json),
    approvedVia: row.approved_via,
    createdAtMs: row.created_at_ms,
    approvedAtMs: row.approved_at_ms,
    ...optional,
  };
}
