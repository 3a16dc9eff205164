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

export class AuditLog {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

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
        entry.code ?? null,
        entry.deviceId ?? null,
        entry.role ?? null,
        entry.clientId ?? null,
        entry.remoteAddress ?? null,
        entry.actor ?? null,
        entry.detail === undefined ? null : JSON.stringify(entry.detail),
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
