/** @module store/migrations/core/001-devices-tokens-audit — core schema v1: devices, pairing requests, device tokens, bootstrap tokens, audit log. Released: never edit, add a new migration. */
import type { Migration } from '../migration.js';

export const devicesTokensAudit: Migration = {
  owner: 'core',
  version: 1,
  name: 'devices, pairing requests, device tokens, bootstrap tokens, audit log',
  sql: `
      CREATE TABLE devices (
        device_id        TEXT PRIMARY KEY,
        public_key       TEXT NOT NULL,
        display_name     TEXT,
        platform         TEXT,
        device_family    TEXT,
        client_id        TEXT,
        client_mode      TEXT,
        roles_json       TEXT NOT NULL,
        scopes_json      TEXT NOT NULL,
        approved_via     TEXT NOT NULL,
        remote_address   TEXT,
        created_at_ms    INTEGER NOT NULL,
        approved_at_ms   INTEGER NOT NULL,
        last_seen_at_ms  INTEGER
      ) STRICT;

      CREATE TABLE pairing_requests (
        request_id       TEXT PRIMARY KEY,
        device_id        TEXT NOT NULL UNIQUE,
        public_key       TEXT NOT NULL,
        display_name     TEXT,
        platform         TEXT,
        device_family    TEXT,
        client_id        TEXT,
        client_mode      TEXT,
        role             TEXT NOT NULL,
        scopes_json      TEXT NOT NULL,
        reason           TEXT NOT NULL,
        remote_address   TEXT,
        created_at_ms    INTEGER NOT NULL,
        expires_at_ms    INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE device_tokens (
        device_id        TEXT NOT NULL REFERENCES devices(device_id) ON DELETE CASCADE,
        role             TEXT NOT NULL,
        token_hash       TEXT NOT NULL,
        scopes_json      TEXT NOT NULL,
        created_at_ms    INTEGER NOT NULL,
        rotated_at_ms    INTEGER,
        revoked_at_ms    INTEGER,
        last_used_at_ms  INTEGER,
        PRIMARY KEY (device_id, role)
      ) STRICT;

      CREATE TABLE bootstrap_tokens (
        token_hash       TEXT PRIMARY KEY,
        created_at_ms    INTEGER NOT NULL,
        expires_at_ms    INTEGER NOT NULL,
        claimed_by       TEXT,
        claimed_at_ms    INTEGER,
        redeemed_at_ms   INTEGER
      ) STRICT;

      CREATE TABLE audit_log (
        id               INTEGER PRIMARY KEY AUTOINCREMENT,
        ts_ms            INTEGER NOT NULL,
        event            TEXT NOT NULL,
        outcome          TEXT NOT NULL,
        code             TEXT,
        device_id        TEXT,
        role             TEXT,
        client_id        TEXT,
        remote_address   TEXT,
        actor            TEXT,
        detail_json      TEXT
      ) STRICT;
      CREATE INDEX audit_log_ts ON audit_log(ts_ms);
    `,
};
