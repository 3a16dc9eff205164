/**
 * @module channels/dm-pairing — who may DM the bot: pairing requests, approvals, command owners.
 *
 * OpenClaw's rules (A8): an unknown sender under `dmPolicy: pairing` gets a code only when a NEW
 * request is created (repeats within the hour get silence), 8 characters from A–Z/2–9 without
 * 0 O 1 I drawn with crypto.randomInt, unique among pending requests, 1 h TTL, at most 3 pending per
 * account (extra senders are ignored). Approval adds the sender to the account's allow entries.
 * The first approval also records the sender as command owner when none is configured (A8 step 7);
 * we keep that in SQLite beside the allow entries instead of rewriting the user's JSON5 file.
 */
import { createHash, randomInt } from 'node:crypto';
import type { SqliteDatabase } from '../store/index.js';

export const PAIRING_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const PAIRING_CODE_LENGTH = 8;
export const PAIRING_TTL_MS = 60 * 60 * 1000;
export const PAIRING_MAX_PENDING_PER_ACCOUNT = 3;

export interface PairingRequestRecord {
  requestId: string;
  channel: string;
  accountId: string;
  senderId: string;
  code: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  meta: Record<string, string>;
}

export type PairingChallenge = { kind: 'created'; code: string; expiresAt: number } | { kind: 'pending' } | { kind: 'limit' };

interface RequestRow {
  channel: string;
  account_id: string;
  sender_id: string;
  code: string;
  created_at_ms: number;
  last_seen_at_ms: number;
  expires_at_ms: number;
  meta_json: string;
}

/** The SQL the channels feature adds (owner `channels`). */
export const DM_PAIRING_SCHEMA_SQL = `
  CREATE TABLE channel_pairing_requests (
    channel          TEXT NOT NULL,
    account_id       TEXT NOT NULL,
    sender_id        TEXT NOT NULL,
    code             TEXT NOT NULL,
    created_at_ms    INTEGER NOT NULL,
    last_seen_at_ms  INTEGER NOT NULL,
    expires_at_ms    INTEGER NOT NULL,
    meta_json        TEXT NOT NULL,
    PRIMARY KEY (channel, account_id, sender_id)
  ) STRICT;
  CREATE TABLE channel_pairing_allow_entries (
    channel          TEXT NOT NULL,
    account_id       TEXT NOT NULL,
    sender_id        TEXT NOT NULL,
    approved_at_ms   INTEGER NOT NULL,
    PRIMARY KEY (channel, account_id, sender_id)
  ) STRICT;
  CREATE TABLE channel_command_owners (
    owner            TEXT PRIMARY KEY,
    configured_at_ms INTEGER NOT NULL
  ) STRICT;
`;

export class DmPairingStore {
  readonly #db: SqliteDatabase;
  readonly #now: () => number;
  readonly #randomIndex: (max: number) => number;

  constructor(db: SqliteDatabase, options: { now: () => number; randomIndex?: (max: number) => number }) {
    this.#db = db;
    this.#now = options.now;
    this.#randomIndex = options.randomIndex ?? ((max) => randomInt(max));
  }

  /** True when the sender was approved for this account. */
  isAllowed(channel: string, accountId: string, senderId: string): boolean {
    return this.#db.prepare('SELECT 1 FROM channel_pairing_allow_entries WHERE channel = ? AND account_id = ? AND sender_id = ?').get(channel, accountId, senderId) !== undefined;
  }

  /** Records an unknown sender; says whether a code should be sent (only for a new request). */
  challenge(input: { channel: string; accountId: string; senderId: string; meta?: Record<string, string> }): PairingChallenge {
    const now = this.#now();
    return this.#db.transaction((): PairingChallenge => {
      this.#prune(now);
      const existing = this.#db.prepare('SELECT 1 FROM channel_pairing_requests WHERE channel = ? AND account_id = ? AND sender_id = ?').get(input.channel, input.accountId, input.senderId);
      if (existing !== undefined) {
        this.#db.prepare('UPDATE channel_pairing_requests SET last_seen_at_ms = ? WHERE channel = ? AND account_id = ? AND sender_id = ?').run(now, input.channel, input.accountId, input.senderId);
        return { kind: 'pending' };
      }
      const pending = this.#db.prepare('SELECT COUNT(*) AS n FROM channel_pairing_requests WHERE channel = ? AND account_id = ?').get(input.channel, input.accountId) as { n: number };
      if (Number(pending.n) >= PAIRING_MAX_PENDING_PER_ACCOUNT) return { kind: 'limit' };
      const code = this.#uniqueCode();
      const expiresAt = now + PAIRING_TTL_MS;
      this.#db
        .prepare('INSERT INTO channel_pairing_requests (channel, account_id, sender_id, code, created_at_ms, last_seen_at_ms, expires_at_ms, meta_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(input.channel, input.accountId, input.senderId, code, now, now, expiresAt, JSON.stringify(input.meta ?? {}));
      return { kind: 'created', code, expiresAt };
    })();
  }

  /** Pending, unexpired requests (optionally of one channel/account), oldest first. */
  list(filter: { channel?: string; accountId?: string } = {}): PairingRequestRecord[] {
    const now = this.#now();
    const rows = this.#db.prepare('SELECT * FROM channel_pairing_requests WHERE expires_at_ms > ? ORDER BY created_at_ms, sender_id').all(now) as RequestRow[];
    return rows.map(toRecord).filter((row) => (filter.channel === undefined || row.channel === filter.channel) && (filter.accountId === undefined || row.accountId === filter.accountId));
  }

  /** Approves by the code the sender received (case-insensitive); undefined when no such pending request. */
  approveByCode(channel: string, code: string, accountId?: string): PairingRequestRecord | undefined {
    const wanted = code.trim().toUpperCase();
    const match = this.list({ channel, ...(accountId === undefined ? {} : { accountId }) }).find((request) => request.code === wanted);
    return match === undefined ? undefined : this.#approve(match);
  }

  /** Approves by the opaque request id of `channels.pairing.list`. */
  approveById(requestId: string): PairingRequestRecord | undefined {
    const match = this.list().find((request) => request.requestId === requestId);
    return match === undefined ? undefined : this.#approve(match);
  }

  /** Removes a pending request without blocking the sender; false when none matched. */
  dismiss(requestId: string): boolean {
    const match = this.list().find((request) => request.requestId === requestId);
    if (match === undefined) return false;
    this.#db.prepare('DELETE FROM channel_pairing_requests WHERE channel = ? AND account_id = ? AND sender_id = ?').run(match.channel, match.accountId, match.senderId);
    return true;
  }

  /** Owners recorded by a first approval (`telegram:<id>`). */
  commandOwners(): string[] {
    return (this.#db.prepare('SELECT owner FROM channel_command_owners ORDER BY configured_at_ms').all() as { owner: string }[]).map((row) => row.owner);
  }

  /** Records `owner` unless one is already recorded; true when it was added. */
  bootstrapCommandOwner(owner: string): boolean {
    return this.#db.transaction(() => {
      if (this.commandOwners().length > 0) return false;
      this.#db.prepare('INSERT INTO channel_command_owners (owner, configured_at_ms) VALUES (?, ?)').run(owner, this.#now());
      return true;
    })();
  }

  #approve(request: PairingRequestRecord): PairingRequestRecord {
    this.#db.transaction(() => {
      this.#db.prepare('DELETE FROM channel_pairing_requests WHERE channel = ? AND account_id = ? AND sender_id = ?').run(request.channel, request.accountId, request.senderId);
      this.#db
        .prepare('INSERT OR REPLACE INTO channel_pairing_allow_entries (channel, account_id, sender_id, approved_at_ms) VALUES (?, ?, ?, ?)')
        .run(request.channel, request.accountId, request.senderId, this.#now());
    })();
    return request;
  }

  #prune(now: number): void {
    this.#db.prepare('DELETE FROM channel_pairing_requests WHERE expires_at_ms <= ?').run(now);
  }

  #uniqueCode(): string {
    const taken = new Set((this.#db.prepare('SELECT code FROM channel_pairing_requests').all() as { code: string }[]).map((row) => row.code));
    for (;;) {
      let code = '';
      for (let i = 0; i < PAIRING_CODE_LENGTH; i++) code += PAIRING_CODE_ALPHABET[this.#randomIndex(PAIRING_CODE_ALPHABET.length)];
      if (!taken.has(code)) return code;
    }
  }
}

function toRecord(row: RequestRow): PairingRequestRecord {
  return {
    requestId: requestIdOf(row.channel, row.account_id, row.sender_id, row.code),
    channel: row.channel,
    accountId: row.account_id,
    senderId: row.sender_id,
    code: row.code,
    createdAt: Number(row.created_at_ms),
    lastSeenAt: Number(row.last_seen_at_ms),
    expiresAt: Number(row.expires_at_ms),
    meta: JSON.parse(row.meta_json) as Record<string, string>,
  };
}

/** Opaque, not the code (A8: "sha256-based"): knowing a request id never lets anyone claim the code. */
function requestIdOf(channel: string, accountId: string, senderId: string, code: string): string {
  return createHash('sha256').update(`${channel}\0${accountId}\0${senderId}\0${code}`).digest('hex').slice(0, 32);
}
