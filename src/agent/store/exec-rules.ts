/**
 * @module agent/store/exec-rules — the operator's "Always allow" exec rules in SQLite (`agent_exec_rules`).
 *
 * A rule is deliberately narrow: the exact argv (compared as a JSON array, element by element), the
 * exact cwd, one node id and one agent id. Nothing is a pattern, so "always allow `git status`" can
 * never cover `git push --force`. Rules are written only by an operator's `allow-always` decision
 * (agent/approvals.ts) and removed only by an operator (`exec.approval.rules.remove`) or by expiry
 * (`grantExpiresInDays` on the decision; none by default).
 */
import type { SqliteDatabase, SqliteStatement } from '../../store/index.js';

/** One stored rule, as `exec.approval.rules.list` shows it. */
export interface ExecRule {
  id: string;
  agentId: string;
  nodeId: string;
  argv: string[];
  cwd: string | null;
  /** The command line the operator saw when deciding. */
  commandText: string;
  /** The approval whose `allow-always` decision created the rule. */
  approvalId: string;
  /** Who decided (device id, client id or `telegram:<senderId>`). */
  resolvedBy: string;
  createdAtMs: number;
  /** When the rule stops covering the command; null: until removed. */
  expiresAtMs: number | null;
  lastUsedAtMs: number | null;
  useCount: number;
}

/** What a decision records with its rule. */
export interface ExecRuleMeta {
  commandText: string;
  approvalId: string;
  resolvedBy: string;
  nowMs: number;
  /** Absent or null: the rule lasts until removed. */
  expiresAtMs?: number | null;
}

/** What a rule covers: the key a run is looked up by. */
export interface ExecRuleKey {
  agentId: string;
  nodeId: string;
  argv: readonly string[];
  cwd: string | null;
}

interface RuleRow {
  rule_id: string;
  agent_id: string;
  node_id: string;
  argv_json: string;
  cwd: string | null;
  command_text: string;
  approval_id: string;
  resolved_by: string;
  created_at_ms: number;
  expires_at_ms: number | null;
  last_used_at_ms: number | null;
  use_count: number;
}

export class ExecRuleStore {
  readonly #db: SqliteDatabase;
  readonly #createId: () => string;

  constructor(db: SqliteDatabase, createId: () => string) {
    this.#db = db;
    this.#createId = createId;
  }

  #sql(sql: string): SqliteStatement {
    return this.#db.prepareCached(sql);
  }

  /**
   * Stores a rule for `key`. Deciding allow-always again for the same command keeps one rule (its id,
   * creator and date) and the latest decision's expiry; an expired rule is replaced.
   */
  add(key: ExecRuleKey, meta: ExecRuleMeta): ExecRule {
    const expiresAtMs = meta.expiresAtMs ?? null;
    return this.#db.transaction(() => {
      const existing = this.#row(key);
      if (existing !== undefined && !isExpired(existing, meta.nowMs)) {
        this.#sql('UPDATE agent_exec_rules SET expires_at_ms = ? WHERE rule_id = ?').run(expiresAtMs, existing.rule_id);
        return this.get(existing.rule_id)!;
      }
      if (existing !== undefined) this.remove(existing.rule_id);
      const id = this.#createId();
      this.#sql(
        `INSERT INTO agent_exec_rules (rule_id, agent_id, node_id, argv_json, cwd, command_text, approval_id, resolved_by, created_at_ms, expires_at_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(id, key.agentId, key.nodeId, JSON.stringify(key.argv), key.cwd, meta.commandText, meta.approvalId, meta.resolvedBy, meta.nowMs, expiresAtMs);
      return this.get(id)!;
    })();
  }

  /** The unexpired rule covering exactly `key` at `nowMs`, if any. */
  find(key: ExecRuleKey, nowMs: number): ExecRule | undefined {
    const row = this.#row(key);
    if (row === undefined || isExpired(row, nowMs)) return undefined;
    const rule = ruleOf(row);
    // Belt and braces: the JSON text matched, so the arrays must too; a mismatch would be a bug, never a match.
    return rule.argv.length === key.argv.length && rule.argv.every((arg, i) => arg === key.argv[i]) ? rule : undefined;
  }

  #row(key: ExecRuleKey): RuleRow | undefined {
    return this.#sql("SELECT * FROM agent_exec_rules WHERE agent_id = ? AND node_id = ? AND argv_json = ? AND ifnull(cwd, '') = ifnull(?, '')").get(key.agentId, key.nodeId, JSON.stringify(key.argv), key.cwd) as RuleRow | undefined;
  }

  get(id: string): ExecRule | undefined {
    const row = this.#sql('SELECT * FROM agent_exec_rules WHERE rule_id = ?').get(id) as RuleRow | undefined;
    return row === undefined ? undefined : ruleOf(row);
  }

  /** Every rule, oldest first (optionally of one node). */
  list(filter: { nodeId?: string | undefined } = {}): ExecRule[] {
    const rows = (filter.nodeId === undefined
      ? this.#sql('SELECT * FROM agent_exec_rules ORDER BY created_at_ms, rule_id').all()
      : this.#sql('SELECT * FROM agent_exec_rules WHERE node_id = ? ORDER BY created_at_ms, rule_id').all(filter.nodeId)) as RuleRow[];
    return rows.map(ruleOf);
  }

  /** Deletes a rule; false when there was none. */
  remove(id: string): boolean {
    return Number(this.#sql('DELETE FROM agent_exec_rules WHERE rule_id = ?').run(id).changes) > 0;
  }

  /** Records that a rule let a command run without asking. */
  markUsed(id: string, nowMs: number): void {
    this.#sql('UPDATE agent_exec_rules SET last_used_at_ms = ?, use_count = use_count + 1 WHERE rule_id = ?').run(nowMs, id);
  }
}

function isExpired(row: RuleRow, nowMs: number): boolean {
  return row.expires_at_ms !== null && Number(row.expires_at_ms) <= nowMs;
}

function ruleOf(row: RuleRow): ExecRule {
  const parsed: unknown = JSON.parse(row.argv_json);
  const argv = Array.isArray(parsed) ? parsed.map(String) : [];
  return {
    id: row.rule_id,
    agentId: row.agent_id,
    nodeId: row.node_id,
    argv,
    cwd: row.cwd,
    commandText: row.command_text,
    approvalId: row.approval_id,
    resolvedBy: row.resolved_by,
    createdAtMs: Number(row.created_at_ms),
    expiresAtMs: row.expires_at_ms === null ? null : Number(row.expires_at_ms),
    lastUsedAtMs: row.last_used_at_ms === null ? null : Number(row.last_used_at_ms),
    useCount: Number(row.use_count),
  };
}
