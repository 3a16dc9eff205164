/**
 * @module store/audit-log — an append-only record of auth and pairing events: who, when, from where,
 * with what outcome. Never holds a secret: callers pass ids, codes and addresses only.
 */
import type { SqliteDatabase } from './database.js';
import { dropNulls } from './rows.js';

export type AuditOutcome = 'allowed' | 'denied' | 'pending' | 'ok';

export interface AuditEntryInput {
  /** What happened: `connect`, `pair.approve`, `token.revoke`, `setup-code.issue` … */
  event: string;
  outcome: AuditOutcome;
  /** Catalogue code of a refusal (`AUTH_TOKEN_MISMATCH`, `PAIRING_REQUIRED` …) or the auth method. */
  code?: string | undefined;
  deviceId?: string | undefined;
  role?: string | undefined;
  clientId?: string | undefined;
  remoteAddress?: string | undefined;
  /** Who did it: a connection id, a device id, or `cli`. */
  actor?: string | undefined;
  detail?: Record<string, unknown> | undefined;
}

export interface AuditEntry extends AuditEntryInput {
  id: number;
  tsMs: number;
}

interface AuditRow {
  id: number;
  ts_ms: number;
  event: string;
  outcome: string;
  code: string | null;
  device_id: string | null;
  role: string | null;
  client_id: string | null;
  remote_address: string | null;
  actor: string | null;
  detail_json: string | null;
}

/** Longest stored value of one audit column, and of the detail JSON, in characters. */
export const MAX_AUDIT_FIELD_CHARS = 256;
export const MAX_AUDIT_DETAIL_CHARS = 4096;

function clip(value: string | undefined, maxChars = MAX_AUDIT_FIELD_CHARS): string | null {
  if (value === undefined) return null;
  return value.length <= maxChars ? value : `${value.slice(0, maxChars)}…`;
}

export class AuditLog {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  /** Appends one entry; every field is cut to a fixed size (values come from clients, issue 12 hole 5). */
  record(entry: AuditEntryInput, nowMs: number): void {
    this.#db
      .prepareCached(
        `INSERT INTO audit_log (ts_ms, event, outcome, code, device_id, role, client_id, remote_address, actor, detail_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        nowMs,
        entry.event,
        entry.outcome,
        clip(entry.code),
        clip(entry.deviceId),
        clip(entry.role),
        clip(entry.clientId),
        clip(entry.remoteAddress),
        clip(entry.actor),
        entry.detail === undefined ? null : clip(JSON.stringify(entry.detail), MAX_AUDIT_DETAIL_CHARS),
      );
  }

  /** The newest `limit` entries, newest first. */
  list(limit = 100): AuditEntry[] {
    const rows = this.#db.prepareCached('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?').all(limit) as AuditRow[];
    return rows.map((row) => {
      const optional = dropNulls({
        code: row.code,
        deviceId: row.device_id,
        role: row.role,
        clientId: row.client_id,
        remoteAddress: row.remote_address,
        actor: row.actor,
      });
      const entry: AuditEntry = { id: row.id, tsMs: row.ts_ms, event: row.event, outcome: row.outcome as AuditOutcome, ...optional };
      if (row.detail_json !== null) entry.detail = JSON.parse(row.detail_json) as Record<string, unknown>;
      return entry;
    });
  }
}
