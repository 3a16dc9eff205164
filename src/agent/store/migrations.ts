/**
 * @module agent/store/migrations — the agent's tables in clawgate.sqlite (owner `agent`).
 *
 * Sessions map a canonical key to the current `session_id`; a reset starts a new id and leaves the
 * old transcript in place (as OpenClaw archives it). Messages are append-only, numbered per session.
 * Runs record status, model, usage and timings; `queued`/`running` rows left by a crash become
 * `interrupted` at the next start. Exec rules (v2) are the operator's "Always allow" decisions: one
 * exact argv + cwd on one node for one agent (agent/exec-rules.ts).
 */
import type { Migration } from '../../store/index.js';

export const AGENT_MIGRATIONS: readonly Migration[] = [
  {
    owner: 'agent',
    version: 1,
    name: 'agent sessions, transcript messages, runs',
    sql: `
      CREATE TABLE agent_sessions (
        session_key     TEXT PRIMARY KEY,
        session_id      TEXT NOT NULL UNIQUE,
        agent_id        TEXT NOT NULL,
        created_at_ms   INTEGER NOT NULL,
        updated_at_ms   INTEGER NOT NULL,
        last_run_id     TEXT,
        provider        TEXT,
        model           TEXT,
        input_tokens    INTEGER NOT NULL DEFAULT 0,
        output_tokens   INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE INDEX agent_sessions_updated ON agent_sessions(updated_at_ms);

      CREATE TABLE agent_messages (
        session_id      TEXT NOT NULL,
        seq             INTEGER NOT NULL,
        run_id          TEXT,
        role            TEXT NOT NULL,
        message_json    TEXT NOT NULL,
        created_at_ms   INTEGER NOT NULL,
        PRIMARY KEY (session_id, seq)
      ) STRICT;

      CREATE TABLE agent_runs (
        run_id          TEXT PRIMARY KEY,
        session_key     TEXT NOT NULL,
        session_id      TEXT NOT NULL,
        status          TEXT NOT NULL,
        provider        TEXT,
        model           TEXT,
        input_tokens    INTEGER NOT NULL DEFAULT 0,
        output_tokens   INTEGER NOT NULL DEFAULT 0,
        error_json      TEXT,
        reply_text      TEXT,
        created_at_ms   INTEGER NOT NULL,
        started_at_ms   INTEGER,
        ended_at_ms     INTEGER
      ) STRICT;
      CREATE INDEX agent_runs_status ON agent_runs(status);
    `,
  },
  {
    owner: 'agent',
    version: 2,
    name: 'exec allow-always rules',
    // `argv_json` is the exact argv as a JSON array: a rule never covers other arguments. The unique
    // key treats a NULL cwd as one value, so a repeated allow-always keeps one rule, not two.
    sql: `
      CREATE TABLE agent_exec_rules (
        rule_id         TEXT PRIMARY KEY,
        agent_id        TEXT NOT NULL,
        node_id         TEXT NOT NULL,
        argv_json       TEXT NOT NULL,
        cwd             TEXT,
        command_text    TEXT NOT NULL,
        approval_id     TEXT NOT NULL,
        resolved_by     TEXT NOT NULL,
        created_at_ms   INTEGER NOT NULL,
        expires_at_ms   INTEGER,
        last_used_at_ms INTEGER,
        use_count       INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE UNIQUE INDEX agent_exec_rules_key ON agent_exec_rules(agent_id, node_id, argv_json, ifnull(cwd, ''));
    `,
  },
];
