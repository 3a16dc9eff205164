/** @module store/rows — small helpers for turning SQLite rows into records (nulls dropped, JSON lists parsed). */

/** Copies `row`, leaving out keys whose value is null (so optional fields are absent, not null). */
export function dropNulls<T extends Record<string, unknown>>(row: T): { [K in keyof T]?: Exclude<T[K], null> } {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) if (value !== null && value !== undefined) out[key] = value;
  return out as { [K in keyof T]?: Exclude<T[K], null> };
}

/** Parses a stored JSON string list; anything else becomes []. */
export function parseList(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}

/** Sorted, de-duplicated list as stored JSON (so equal sets compare equal). */
export function listJson(values: Iterable<string>): string {
  return JSON.stringify([...new Set(values)].sort());
}

/** The device metadata columns both `devices` and `pairing_requests` carry. */
export interface DeviceMetadataRow {
  display_name: string | null;
  platform: string | null;
  device_family: string | null;
  client_id: string | null;
  client_mode: string | null;
  remote_address: string | null;
}

/** Those columns as optional record fields (absent when NULL). */
export function deviceMetadataFrom(row: DeviceMetadataRow) {
  return dropNulls({
    displayName: row.display_name,
    platform: row.platform,
    deviceFamily: row.device_family,
    clientId: row.client_id,
    clientMode: row.client_mode,
    remoteAddress: row.remote_address,
  });
}
