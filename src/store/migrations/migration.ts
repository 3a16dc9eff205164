/**
 * @module store/migrations/migration — one schema change, owned by the core or by one feature.
 *
 * Versions are counted per owner (1, 2, 3 … without gaps), so the agent's "version 1" and Telegram's
 * "version 1" never collide. Applied migrations are recorded in `schema_migrations(owner, version,
 * name, applied_at_ms)`. Each runs once, in its own transaction. Released migrations are never
 * edited: a change is a new migration.
 */
import type { SqliteDatabase } from '../sqlite-driver.js';

interface MigrationBase {
  /** `core`, or the name of the feature that owns the tables (`agent`, `telegram`). */
  readonly owner: string;
  /** 1-based and consecutive within the owner. */
  readonly version: number;
  readonly name: string;
}

/** SQL to run, or an `up(db)` step for changes SQL alone cannot express (data copies). */
export type Migration = MigrationBase & ({ readonly sql: string; readonly up?: never } | { readonly up: (db: SqliteDatabase) => void; readonly sql?: never });
