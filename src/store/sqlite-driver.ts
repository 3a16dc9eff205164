/**
 * @module store/sqlite-driver — one small synchronous SQLite interface over two engines.
 *
 * Node 22.13+ ships `node:sqlite`; where it exists we use it. Older Node (20.x) uses better-sqlite3.
 * Why not better-sqlite3 everywhere: on Node 24 its 12.x addon aborts the process (`Assertion failed:
 * (env) != nullptr` in RemoveEnvironmentCleanupHook) when a prepared statement is garbage-collected
 * outside a JS scope — it did in our CI — and its fixed 13.x needs Node 22+. The interface is the
 * subset of better-sqlite3's API the repositories use, so they do not know which engine runs.
 */
import { createRequire } from 'node:module';

export interface SqliteRunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

export interface SqliteStatement {
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): SqliteRunResult;
}

/** A transaction-wrapped function: call it (deferred) or `.immediate()` (takes the write lock first). */
export interface SqliteTransaction<T> {
  (): T;
  immediate(): T;
}

export interface SqliteDatabase {
  /** The file path (or `:memory:`). */
  readonly name: string;
  readonly open: boolean;
  /** Which engine backs this connection. */
  readonly engine: 'node:sqlite' | 'better-sqlite3';
  prepare(sql: string): SqliteStatement;
  /**
   * `prepare` through a per-connection cache keyed by the SQL text: repositories call it on every
   * request, and SQLite parses each statement only once. Cleared by `close()`.
   */
  prepareCached(sql: string): SqliteStatement;
  exec(sql: string): void;
  /** Runs `PRAGMA <source>`; with `simple`, returns the first column of the first row. */
  pragma(source: string, options?: { simple?: boolean }): unknown;
  transaction<T>(fn: () => T): SqliteTransaction<T>;
  close(): void;
}

/** The part of `node:sqlite` we use (typed here: @types/node 20 predates the module). */
interface NodeSqliteDatabaseSync {
  readonly isOpen: boolean;
  readonly isTransaction: boolean;
  prepare(sql: string): unknown;
  exec(sql: string): void;
  close(): void;
}
interface NodeSqliteModule {
  DatabaseSync: new (path: string) => NodeSqliteDatabaseSync;
}

/** `node:sqlite` when this Node has it without a flag, else undefined. */
function loadNodeSqlite(): NodeSqliteModule | undefined {
  const getBuiltin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (getBuiltin === undefined) return undefined;
  try {
    return getBuiltin('node:sqlite') as NodeSqliteModule | undefined;
  } catch {
    return undefined;
  }
}

/** Opens `path` with the best engine available (override with CLAWGATE_SQLITE_ENGINE for tests). */
export function openSqlite(path: string, engine = process.env['CLAWGATE_SQLITE_ENGINE']): SqliteDatabase {
  const nodeSqlite = engine === 'better-sqlite3' ? undefined : loadNodeSqlite();
  if (nodeSqlite !== undefined) return new NodeSqliteDatabase(nodeSqlite, path);
  if (engine === 'node:sqlite') throw new Error('node:sqlite is not available in this Node.js');
  return openBetterSqlite(path);
}

function openBetterSqlite(path: string): SqliteDatabase {
  // Loaded on demand so Node versions with node:sqlite never load the native addon. It is an optional
  // dependency: on Node 22.13+ a failed compile must not stop `npm ci`.
  let BetterSqlite: typeof import('better-sqlite3');
  try {
    BetterSqlite = createRequire(import.meta.url)('better-sqlite3') as typeof import('better-sqlite3');
  } catch (error) {
    throw new Error(
      `this Node.js (${process.version}) has no built-in node:sqlite and the better-sqlite3 addon is not available ` +
        `(${error instanceof Error ? error.message.split('\n')[0] : 'unknown'}). Fix: use Node.js 22.13 or newer, or install ` +
        'python3, make and g++ and run `npm rebuild better-sqlite3`.',
    );
  }
  const db = new BetterSqlite(path);
  const statements = new Map<string, SqliteStatement>();
  return {
    get name() {
      return db.name;
    },
    get open() {
      return db.open;
    },
    engine: 'better-sqlite3',
    prepare: (sql) => db.prepare(sql) as unknown as SqliteStatement,
    prepareCached: (sql) => cachedStatement(statements, sql, () => db.prepare(sql) as unknown as SqliteStatement),
    exec: (sql) => void db.exec(sql),
    pragma: (source, options) => db.pragma(source, options),
    transaction: <T>(fn: () => T) => db.transaction(fn) as unknown as SqliteTransaction<T>,
    close: () => {
      statements.clear();
      db.close();
    },
  };
}

function cachedStatement(statements: Map<string, SqliteStatement>, sql: string, prepare: () => SqliteStatement): SqliteStatement {
  let statement = statements.get(sql);
  if (statement === undefined) statements.set(sql, (statement = prepare()));
  return statement;
}

/** node:sqlite behind the better-sqlite3-shaped interface, with savepoints for nested transactions. */
class NodeSqliteDatabase implements SqliteDatabase {
  readonly name: string;
  readonly engine = 'node:sqlite' as const;
  readonly #db: NodeSqliteDatabaseSync;
  readonly #statements = new Map<string, SqliteStatement>();
  #savepointDepth = 0;

  constructor(sqlite: NodeSqliteModule, path: string) {
    this.name = path;
    this.#db = new sqlite.DatabaseSync(path);
  }

  get open(): boolean {
    return this.#db.isOpen;
  }

  prepare(sql: string): SqliteStatement {
    return this.#db.prepare(sql) as unknown as SqliteStatement;
  }

  prepareCached(sql: string): SqliteStatement {
    return cachedStatement(this.#statements, sql, () => this.prepare(sql));
  }

  exec(sql: string): void {
    this.#db.exec(sql);
  }

  pragma(source: string, options: { simple?: boolean } = {}): unknown {
    const rows = (this.#db.prepare(`PRAGMA ${source}`) as SqliteStatement).all() as Record<string, unknown>[];
    if (options.simple !== true) return rows;
    const first = rows[0];
    return first === undefined ? undefined : Object.values(first)[0];
  }

  transaction<T>(fn: () => T): SqliteTransaction<T> {
    const run = (begin: string): T => {
      if (this.#db.isTransaction) return this.#inSavepoint(fn);
      this.#db.exec(begin);
      try {
        const result = fn();
        this.#db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
        throw error;
      }
    };
    const deferred = (() => run('BEGIN')) as SqliteTransaction<T>;
    deferred.immediate = () => run('BEGIN IMMEDIATE');
    return deferred;
  }

  close(): void {
    this.#statements.clear();
    if (this.#db.isOpen) this.#db.close();
  }

  #inSavepoint<T>(fn: () => T): T {
    const name = `clawgate_sp_${++this.#savepointDepth}`;
    this.#db.exec(`SAVEPOINT ${name}`);
    try {
      const result = fn();
      this.#db.exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      this.#db.exec(`ROLLBACK TO ${name}`);
      this.#db.exec(`RELEASE ${name}`);
      throw error;
    } finally {
      this.#savepointDepth--;
    }
  }
}
