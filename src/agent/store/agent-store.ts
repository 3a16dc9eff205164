/**
 * @module agent/store/agent-store — sessions, transcripts and run records in SQLite.
 *
 * Appends are single statements (or one transaction), so a crash leaves every acknowledged message
 * and never half of one. Statements are prepared once (`prepareCached`).
 */
import type { SqliteDatabase, SqliteStatement } from '../../store/index.js';
import type { TranscriptMessage } from '../transcript.js';
import { ExecRuleStore } from './exec-rules.js';

export interface SessionRecord {
  sessionKey: string;
  sessionId: string;
  agentId: string;
  createdAtMs: number;
  updatedAtMs: number;
  lastRunId?: string;
  provider?: string;
  model?: string;
  inputTokens: number;
  outputTokens: number;
}

/** `queued` → `running` → one of the terminal states. */
export type RunStatus = 'queued' | 'running' | 'ok' | 'error' | 'aborted' | 'timeout' | 'interrupted';

export interface RunRecord {
  runId: string;
  sessionKey: string;
  sessionId: string;
  status: RunStatus;
  provider?: string;
  model?: string;
  inputTokens: number;
  outputTokens: number;
  error?: { code: string; message: string };
  replyText?: string;
  createdAtMs: number;
  startedAtMs?: number;
  endedAtMs?: number;
}

export interface StoredMessage {
  seq: number;
  runId?: string;
  message: TranscriptMessage;
}

interface SessionRow {
  session_key: string;
  session_id: string;
  agent_id: string;
  created_at_ms: number;
  updated_at_ms: number;
  last_run_id: string | null;
  provider: string | null;
  model: string | null;
  input_tokens: number;
  output_tokens: number;
}

interface RunRow {
  run_id: string;
  session_key: string;
  session_id: string;
  status: string;
  provider: string | null;
  model: string | null;
  input_tokens: number;
  output_tokens: number;
  error_json: string | null;
  reply_text: string | null;
  created_at_ms: number;
  started_at_ms: number | null;
  ended_at_ms: number | null;
}

/**
 * How long a counted number of sessions is served without asking SQLite again (ms). Our own inserts
 * and deletes drop it at once; the bound only matters for rows another connection wrote (a seeding
 * script over WAL). `health` asks for the count on every call: a COUNT(*) each time cost ~4% of its CPU.
 */
export const SESSION_COUNT_MAX_AGE_MS = 1000;

export class AgentStore {
  /** The operator's "Always allow" exec rules, in the same database. */
  readonly rules: ExecRuleStore;
  readonly #db: SqliteDatabase;
  readonly #createId: () => string;
  readonly #now: () => number;
  #sessionCount: { value: number; countedAtMs: number } | undefined;

  /** `now` (default Date.now) only ages the cached session count. */
  constructor(db: SqliteDatabase, createId: () => string, now: () => number = Date.now) {
    this.#db = db;
    this.#createId = createId;
    this.#now = now;
    this.rules = new ExecRuleStore(db, createId);
  }

  #sql(sql: string): SqliteStatement {
    return this.#db.prepareCached(sql);
  }

  getSession(sessionKey: string): SessionRecord | undefined {
    const row = this.#sql('SELECT * FROM agent_sessions WHERE session_key = ?').get(sessionKey) as SessionRow | undefined;
    return row === undefined ? undefined : sessionOf(row);
  }

  /** The session for `sessionKey`, created on first use. */
  ensureSession(sessionKey: string, agentId: string, nowMs: number): SessionRecord {
    const existing = this.getSession(sessionKey);
    if (existing !== undefined) return existing;
    this.#sessionCount = undefined; // dropped, not incremented: the insert may be rolled back with its transaction
    this.#sql('INSERT INTO agent_sessions (session_key, session_id, agent_id, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?)').run(sessionKey, this.#createId(), agentId, nowMs, nowMs);
    return this.getSession(sessionKey)!;
  }

  /**
   * Stores an accepted turn in ONE commit, before it is acknowledged: the session (created on first
   * use), the run row (`running` when it starts at once, else `queued`) and the user message. One
   * commit instead of four on the path of every turn's first token; still nothing acknowledged
   * that a crash could lose.
   */
  acceptTurn(turn: { sessionKey: string; agentId: string; runId: string; message: TranscriptMessage; nowMs: number; isStarting: boolean }): SessionRecord {
    return this.#db.transaction(() => {
      const session = this.ensureSession(turn.sessionKey, turn.agentId, turn.nowMs);
      this.insertRun({ runId: turn.runId, sessionKey: turn.sessionKey, sessionId: session.sessionId, createdAtMs: turn.nowMs });
      if (turn.isStarting) this.startRun(turn.runId, turn.nowMs);
      this.appendMessage(session, turn.runId, turn.message, turn.nowMs);
      return session;
    })();
  }

  /** Sessions, most recently updated first. */
  listSessions(options: { limit: number; offset: number }): { sessions: SessionRecord[]; total: number } {
    const rows = this.#sql('SELECT * FROM agent_sessions ORDER BY updated_at_ms DESC, session_key LIMIT ? OFFSET ?').all(options.limit, options.offset) as SessionRow[];
    const total = Number((this.#sql('SELECT COUNT(*) AS n FROM agent_sessions').get() as { n: number }).n);
    return { sessions: rows.map(sessionOf), total };
  }

  /** How many sessions exist (health, status); cached, see SESSION_COUNT_MAX_AGE_MS. */
  countSessions(): number {
    const nowMs = this.#now();
    const cached = this.#sessionCount;
    if (cached !== undefined && nowMs - cached.countedAtMs < SESSION_COUNT_MAX_AGE_MS && nowMs >= cached.countedAtMs) return cached.value;
    const value = Number((this.#sql('SELECT COUNT(*) AS n FROM agent_sessions').get() as { n: number }).n);
    this.#sessionCount = { value, countedAtMs: nowMs };
    return value;
  }

  /** Starts a new transcript under the same key; the old one stays stored under its old session id. */
  resetSession(sessionKey: string, agentId: string, nowMs: number): SessionRecord {
    const sessionId = this.#createId();
    this.#sessionCount = undefined;
    this.#sql(
      `INSERT INTO agent_sessions (session_key, session_id, agent_id, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(session_key) DO UPDATE SET session_id = excluded.session_id, updated_at_ms = excluded.updated_at_ms,
         input_tokens = 0, output_tokens = 0, last_run_id = NULL`,
    ).run(sessionKey, sessionId, agentId, nowMs, nowMs);
    return this.getSession(sessionKey)!;
  }

  /** Deletes the session, its current transcript and its runs. */
  deleteSession(sessionKey: string): boolean {
    const session = this.getSession(sessionKey);
    if (session === undefined) return false;
    this.#sessionCount = undefined;
    this.#db.transaction(() => {
      this.#sql('DELETE FROM agent_messages WHERE session_id = ?').run(session.sessionId);
      this.#sql('DELETE FROM agent_runs WHERE session_key = ?').run(sessionKey);
      this.#sql('DELETE FROM agent_sessions WHERE session_key = ?').run(sessionKey);
    })();
    return true;
  }

  /** Appends one message; returns its per-session seq (1-based). */
  appendMessage(session: SessionRecord, runId: string | undefined, message: TranscriptMessage, nowMs: number): number {
    return this.#db.transaction(() => {
      const next = Number((this.#sql('SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM agent_messages WHERE session_id = ?').get(session.sessionId) as { next: number }).next);
      this.#sql('INSERT INTO agent_messages (session_id, seq, run_id, role, message_json, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)').run(
        session.sessionId,
        next,
        runId ?? null,
        message.role,
        JSON.stringify(message),
        nowMs,
      );
      this.#sql('UPDATE agent_sessions SET updated_at_ms = ? WHERE session_key = ?').run(nowMs, session.sessionKey);
      return next;
    })();
  }

  /** Every message of the session's current transcript, oldest first (for the model's context). */
  messages(sessionId: string): StoredMessage[] {
    const rows = this.#sql('SELECT seq, run_id, message_json FROM agent_messages WHERE session_id = ? ORDER BY seq').all(sessionId) as MessageRow[];
    return rows.map(storedOf);
  }

  /** One page, oldest first: the `limit` messages before `beforeSeq` (newest page when absent). */
  page(sessionId: string, options: { limit: number; beforeSeq?: number }): { messages: StoredMessage[]; hasMore: boolean; total: number } {
    const before = options.beforeSeq ?? Number.MAX_SAFE_INTEGER;
    const rows = this.#sql('SELECT seq, run_id, message_json FROM agent_messages WHERE session_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?').all(sessionId, before, options.limit + 1) as MessageRow[];
    const total = Number((this.#sql('SELECT COUNT(*) AS n FROM agent_messages WHERE session_id = ?').get(sessionId) as { n: number }).n);
    const hasMore = rows.length > options.limit;
    return { messages: rows.slice(0, options.limit).reverse().map(storedOf), hasMore, total };
  }

  insertRun(run: { runId: string; sessionKey: string; sessionId: string; createdAtMs: number }): void {
    this.#sql("INSERT INTO agent_runs (run_id, session_key, session_id, status, created_at_ms) VALUES (?, ?, ?, 'queued', ?)").run(run.runId, run.sessionKey, run.sessionId, run.createdAtMs);
  }

  startRun(runId: string, nowMs: number): void {
    this.#sql("UPDATE agent_runs SET status = 'running', started_at_ms = ? WHERE run_id = ?").run(nowMs, runId);
  }

  finishRun(runId: string, outcome: { status: RunStatus; provider?: string; model?: string; inputTokens: number; outputTokens: number; error?: { code: string; message: string }; replyText?: string; endedAtMs: number }): void {
    this.#db.transaction(() => {
      this.#sql('UPDATE agent_runs SET status = ?, provider = ?, model = ?, input_tokens = ?, output_tokens = ?, error_json = ?, reply_text = ?, ended_at_ms = ? WHERE run_id = ?').run(
        outcome.status,
        outcome.provider ?? null,
        outcome.model ?? null,
        outcome.inputTokens,
        outcome.outputTokens,
        outcome.error === undefined ? null : JSON.stringify(outcome.error),
        outcome.replyText ?? null,
        outcome.endedAtMs,
        runId,
      );
      const run = this.getRun(runId);
      if (run === undefined) return;
      this.#sql(
        'UPDATE agent_sessions SET last_run_id = ?, provider = COALESCE(?, provider), model = COALESCE(?, model), input_tokens = input_tokens + ?, output_tokens = output_tokens + ? WHERE session_key = ?',
      ).run(runId, outcome.provider ?? null, outcome.model ?? null, outcome.inputTokens, outcome.outputTokens, run.sessionKey);
    })();
  }

  getRun(runId: string): RunRecord | undefined {
    const row = this.#sql('SELECT * FROM agent_runs WHERE run_id = ?').get(runId) as RunRow | undefined;
    return row === undefined ? undefined : runOf(row);
  }

  /** Marks runs a crash left `queued` or `running` as `interrupted`; returns them. */
  markInterrupted(nowMs: number): RunRecord[] {
    return this.#db.transaction(() => {
      const rows = this.#sql("SELECT * FROM agent_runs WHERE status IN ('queued', 'running')").all() as RunRow[];
      const error = JSON.stringify({ code: 'RUN_INTERRUPTED', message: 'interrupted by a gateway restart' });
      this.#sql("UPDATE agent_runs SET status = 'interrupted', error_json = ?, ended_at_ms = ? WHERE status IN ('queued', 'running')").run(error, nowMs);
      return rows.map((row) => ({ ...runOf(row), status: 'interrupted' as const }));
    })();
  }
}

interface MessageRow {
  seq: number;
  run_id: string | null;
  message_json: string;
}

function storedOf(row: MessageRow): StoredMessage {
  const stored: StoredMessage = { seq: Number(row.seq), message: JSON.parse(row.message_json) as TranscriptMessage };
  if (row.run_id !== null) stored.runId = row.run_id;
  return stored;
}

function sessionOf(row: SessionRow): SessionRecord {
  const session: SessionRecord = {
    sessionKey: row.session_key,
    sessionId: row.session_id,
    agentId: row.agent_id,
    createdAtMs: Number(row.created_at_ms),
    updatedAtMs: Number(row.updated_at_ms),
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
  };
  if (row.last_run_id !== null) session.lastRunId = row.last_run_id;
  if (row.provider !== null) session.provider = row.provider;
  if (row.model !== null) session.model = row.model;
  return session;
}

function runOf(row: RunRow): RunRecord {
  const run: RunRecord = {
    runId: row.run_id,
    sessionKey: row.session_key,
    sessionId: row.session_id,
    status: row.status as RunStatus,
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    createdAtMs: Number(row.created_at_ms),
  };
  if (row.provider !== null) run.provider = row.provider;
  if (row.model !== null) run.model = row.model;
  if (row.error_json !== null) run.error = JSON.parse(row.error_json) as { code: string; message: string };
  if (row.reply_text !== null) run.replyText = row.reply_text;
  if (row.started_at_ms !== null) run.startedAtMs = Number(row.started_at_ms);
  if (row.ended_at_ms !== null) run.endedAtMs = Number(row.ended_at_ms);
  return run;
}
