/**
 * @module agent/store/exec-rules — the operator's "Always allow" exec rules in SQLite (`agent_exec_rules`).
 *
 * A rule is deliberately narrow: the exact argv (compared as a JSON array, element by element), the
 * exact cwd, one node id and one agent id. Nothing is a pattern, so "always allow `git status`" can
 * never cover `git push --force`. Rules are written only by an operator's `allow-always` decision
 * (agent/approvals.ts) and removed only by an operator (`exec.approval.rules.remove`).
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
  lastUsedAtMs: number | null;
  useCount: number;
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
   * Stores a rule for `key`; an identical rule already there is kept (its id, creator and date), so
   * deciding allow-always twice for one command leaves one rule.
   */
  add(key: ExecRuleKey, meta: { commandText: string; approvalId: string; resolvedBy: string; nowMs: number }): ExecRule {
    const existing = this.find(key);
    if (existing !== undefined) return existing;
    const id = this.#createId();
    this.#sql(
      `INSERT INTO agent_exec_rules (rule_id, agent_id, node_id, argv_json, cwd, command_text, approval_id, resolved_by, created_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(id, key.agentId, key.nodeId, JSON.stringify(key.argv), key.cwd, meta.commandText, meta.approvalId, meta.resolvedBy, meta.nowMs);
    return this.get(id)!;
  }

  /** The rule covering exactly `key`, if any. */
  find(key: ExecRuleKey): ExecRule | undefined {
    const row = this.#sql("SELECT * FROM agent_exec_rules WHERE agent_id = ? AND node_id = ? AND argv_json = ? AND ifnull(cwd, '') = ifnull(?, '')").get(key.agentId, key.nodeId, JSON.stringify(key.argv), key.cwd) as RuleRow | undefined;
    if (row === undefined) return undefined;
    const rule = ruleOf(row);
    // Belt and braces: the JSON text matched, so the arrays must too; a mismatch would be a bug, never a match.
    return rule.argv.length === key.argv.length && rule.argv.every((arg, i) => arg === key.argv[i]) ? rule : undefined;
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
    lastUsedAtMs: row.last_used_at_ms === null ? null : Number(row.last_used_at_ms),
    useCount: Number(row.use_count),
  };
}
