/**
 * @module channels/telegram/ingress-store — the durable update queue: nothing is lost, nothing repeats.
 *
 * Each update is committed here, together with the next `getUpdates` offset, in one transaction
 * BEFORE the offset is sent to Telegram (which is what tells Telegram to forget the update). Replays
 * of an id already seen are ignored. Processing moves an update through
 *   queued → admitted (handed to a turn) → sending (a reply may be leaving) → done
 * and a restart resumes from there: `queued`/`admitted` are processed again (no reply had left),
 * `sending` is closed as `interrupted` and never sent again (it may have reached the user).
 * Finished rows are kept 30 days, at most 1,000 (OpenClaw's tombstones, A5), to answer "seen?".
 */
import type { SqliteDatabase } from '../../store/index.js';

export type UpdateState = 'queued' | 'admitted' | 'sending' | 'done';

export interface StoredUpdate {
  updateId: number;
  payload: Record<string, unknown>;
  state: UpdateState;
  receivedAtMs: number;
}

/** The SQL the telegram feature adds (owner `telegram`). */
export const TELEGRAM_INGRESS_SCHEMA_SQL = `
  CREATE TABLE telegram_updates (
    account_id       TEXT NOT NULL,
    update_id        INTEGER NOT NULL,
    payload_json     TEXT NOT NULL,
    state            TEXT NOT NULL,
    outcome          TEXT,
    received_at_ms   INTEGER NOT NULL,
    finished_at_ms   INTEGER,
    PRIMARY KEY (account_id, update_id)
  ) STRICT;
  CREATE INDEX telegram_updates_open ON telegram_updates(account_id, state, update_id);
  CREATE TABLE telegram_poll_offsets (
    account_id       TEXT PRIMARY KEY,
    next_offset      INTEGER NOT NULL,
    updated_at_ms    INTEGER NOT NULL
  ) STRICT;
`;

const KEEP_FINISHED_MS = 30 * 24 * 60 * 60 * 1000;
const KEEP_FINISHED_ROWS = 1000;

export class TelegramIngressStore {
  readonly #db: SqliteDatabase;
  readonly #accountId: string;
  readonly #now: () => number;

  constructor(db: SqliteDatabase, accountId: string, now: () => number) {
    this.#db = db;
    this.#accountId = accountId;
    this.#now = now;
  }

  /** The offset to pass to the next getUpdates (0 before the first update). */
  nextOffset(): number {
    const row = this.#db.prepare('SELECT next_offset FROM telegram_poll_offsets WHERE account_id = ?').get(this.#accountId) as { next_offset: number } | undefined;
    return row === undefined ? 0 : Number(row.next_offset);
  }

  /**
   * Commits a batch from getUpdates and the offset after it, atomically. Returns the updates that
   * were new (a replay after a crash between commit and confirm returns none of the old ones).
   */
  enqueue(updates: readonly Record<string, unknown>[]): StoredUpdate[] {
    if (updates.length === 0) return [];
    const now = this.#now();
    return this.#db.transaction(() => {
      const fresh: StoredUpdate[] = [];
      const insert = this.#db.prepare('INSERT OR IGNORE INTO telegram_updates (account_id, update_id, payload_json, state, received_at_ms) VALUES (?, ?, ?, ?, ?)');
      let maxId = this.nextOffset() - 1;
      for (const update of updates) {
        const updateId = Number(update['update_id']);
        if (!Number.isSafeInteger(updateId)) continue;
        maxId = Math.max(maxId, updateId);
        if (insert.run(this.#accountId, updateId, JSON.stringify(update), 'queued', now).changes === 1) {
          fresh.push({ updateId, payload: update, state: 'queued', receivedAtMs: now });
        }
      }
      this.#db
        .prepare('INSERT INTO telegram_poll_offsets (account_id, next_offset, updated_at_ms) VALUES (?, ?, ?) ON CONFLICT(account_id) DO UPDATE SET next_offset = MAX(next_offset, excluded.next_offset), updated_at_ms = excluded.updated_at_ms')
        .run(this.#accountId, maxId + 1, now);
      return fresh;
    })();
  }

  /**
   * After a restart: `sending` rows become done/`interrupted` (never resent), `admitted` rows go
   * back to `queued`. Returns every queued update, oldest first, to process again.
   */
  recover(): { requeued: StoredUpdate[]; interrupted: number } {
    const now = this.#now();
    return this.#db.transaction(() => {
      const interrupted = this.#db
        .prepare("UPDATE telegram_updates SET state = 'done', outcome = 'interrupted', finished_at_ms = ? WHERE account_id = ? AND state = 'sending'")
        .run(now, this.#accountId).changes;
      this.#db.prepare("UPDATE telegram_updates SET state = 'queued' WHERE account_id = ? AND state = 'admitted'").run(this.#accountId);
      const rows = this.#db
        .prepare("SELECT update_id, payload_json, state, received_at_ms FROM telegram_updates WHERE account_id = ? AND state = 'queued' ORDER BY update_id")
        .all(this.#accountId) as { update_id: number; payload_json: string; state: UpdateState; received_at_ms: number }[];
      return {
        interrupted,
        requeued: rows.map((row) => ({ updateId: Number(row.update_id), payload: JSON.parse(row.payload_json) as Record<string, unknown>, state: row.state, receivedAtMs: Number(row.received_at_ms) })),
      };
    })();
  }

  /** The update was handed to a turn (not yet replying). */
  markAdmitted(updateIds: readonly number[]): void {
    this.#setState(updateIds, 'admitted', ['queued']);
  }

  /** A reply for these updates may now leave: from here on they are never processed again. */
  markSending(updateIds: readonly number[]): void {
    this.#setState(updateIds, 'sending', ['queued', 'admitted']);
  }

  /** Finished (`replied`, `skipped:<why>`, `failed:<why>`). */
  markDone(updateIds: readonly number[], outcome: string): void {
    if (updateIds.length === 0) return;
    const now = this.#now();
    this.#db.transaction(() => {
      const statement = this.#db.prepare("UPDATE telegram_updates SET state = 'done', outcome = ?, finished_at_ms = ? WHERE account_id = ? AND update_id = ? AND state != 'done'");
      for (const id of updateIds) statement.run(outcome, now, this.#accountId, id);
    })();
  }

  /** State and outcome of one update (tests, diagnostics). */
  get(updateId: number): { state: UpdateState; outcome: string | null } | undefined {
    const row = this.#db.prepare('SELECT state, outcome FROM telegram_updates WHERE account_id = ? AND update_id = ?').get(this.#accountId, updateId) as { state: UpdateState; outcome: string | null } | undefined;
    return row === undefined ? undefined : { state: row.state, outcome: row.outcome };
  }

  /** Counts by state (status: `ingress.queued`, …). */
  counts(): Record<UpdateState, number> {
    const counts: Record<UpdateState, number> = { queued: 0, admitted: 0, sending: 0, done: 0 };
    for (const row of this.#db.prepare('SELECT state, COUNT(*) AS n FROM telegram_updates WHERE account_id = ? GROUP BY state').all(this.#accountId) as { state: UpdateState; n: number }[]) {
      counts[row.state] = Number(row.n);
    }
    return counts;
  }

  /** Drops finished rows older than 30 days and beyond the newest 1,000. */
  prune(): void {
    const cutoff = this.#now() - KEEP_FINISHED_MS;
    this.#db.prepare("DELETE FROM telegram_updates WHERE account_id = ? AND state = 'done' AND finished_at_ms < ?").run(this.#accountId, cutoff);
    this.#db
      .prepare(
        "DELETE FROM telegram_updates WHERE account_id = ? AND state = 'done' AND update_id NOT IN (SELECT update_id FROM telegram_updates WHERE account_id = ? AND state = 'done' ORDER BY update_id DESC LIMIT ?)",
      )
      .run(this.#accountId, this.#accountId, KEEP_FINISHED_ROWS);
  }

  #setState(updateIds: readonly number[], state: UpdateState, from: readonly UpdateState[]): void {
    if (updateIds.length === 0) return;
    this.#db.transaction(() => {
      const statement = this.#db.prepare(`UPDATE telegram_updates SET state = ? WHERE account_id = ? AND update_id = ? AND state IN (${from.map(() => '?').join(', ')})`);
      for (const id of updateIds) statement.run(state, this.#accountId, id, ...from);
    })();
  }
}
