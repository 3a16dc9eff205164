/**
 * @module store/state-store — the gateway's durable state: one SQLite file, its repositories, and
 * the transaction helper that makes multi-table changes (approve = device + request + audit) atomic.
 */
import { randomUUID } from 'node:crypto';
import { openDatabase, stateDatabasePath, type SqliteDatabase } from './database.js';
import { CORE_MIGRATIONS, type Migration } from './migrations/index.js';
import { AuditLog } from './audit-log.js';
import { BootstrapTokenRepository } from './bootstrap-tokens.js';
import { DeviceRepository } from './devices.js';
import { DeviceTokenRepository } from './device-tokens.js';
import { NodeSurfaceRepository } from './node-surfaces.js';
import { PairingRequestRepository } from './pairing-requests.js';
import { createSecret } from './secrets.js';

export interface StateStoreOptions {
  /** Database file, or `:memory:`. */
  path: string;
  /** Request ids (default: random UUIDs). */
  createId?: () => string;
  /** Bearer secrets (default: 32 random bytes, base64url). */
  createSecret?: () => string;
  /** Features' migrations, applied after the core's (each feature owns its own version numbers). */
  migrations?: readonly Migration[];
}

export class StateStore {
  readonly path: string;
  readonly devices: DeviceRepository;
  readonly pairingRequests: PairingRequestRepository;
  readonly deviceTokens: DeviceTokenRepository;
  readonly bootstrapTokens: BootstrapTokenRepository;
  readonly audit: AuditLog;
  readonly nodeSurfaces: NodeSurfaceRepository;
  readonly #db: SqliteDatabase;

  constructor(options: StateStoreOptions) {
    this.path = options.path;
    this.#db = openDatabase(options.path, [...CORE_MIGRATIONS, ...(options.migrations ?? [])]);
    const secret = options.createSecret ?? createSecret;
    this.devices = new DeviceRepository(this.#db);
    this.pairingRequests = new PairingRequestRepository(this.#db, options.createId ?? randomUUID);
    this.deviceTokens = new DeviceTokenRepository(this.#db, secret);
    this.bootstrapTokens = new BootstrapTokenRepository(this.#db, secret);
    this.audit = new AuditLog(this.#db);
    this.nodeSurfaces = new NodeSurfaceRepository(this.#db);
  }

  /** Opens the store of a state dir (`<stateDir>/state/clawgate.sqlite`). */
  static openForStateDir(stateDir: string, options: Omit<StateStoreOptions, 'path'> = {}): StateStore {
    return new StateStore({ ...options, path: stateDatabasePath(stateDir) });
  }

  /**
   * Runs `fn` in one transaction: all of its writes commit together or none do. By default the
   * commit is also fsynced before this returns (survives a power cut, not just a kill -9);
   * `{ durable: false }` skips the fsync for bookkeeping that may be lost in an OS crash.
   */
  transaction<T>(fn: () => T, options: { durable?: boolean } = {}): T {
    if (options.durable === false) return this.#db.transaction(fn).immediate();
    this.#db.pragma('synchronous = FULL');
    try {
      return this.#db.transaction(fn).immediate();
    } finally {
      this.#db.pragma('synchronous = NORMAL');
    }
  }

  /**
   * The connection, for features' repositories (they live in store/<owner>/ and use
   * `prepareCached`). Write through `transaction` when several statements must commit together.
   */
  get database(): SqliteDatabase {
    return this.#db;
  }

  /** The applied version of each owner's migrations (`core`, `agent`, …). */
  appliedVersions(): Map<string, number> {
    const rows = this.#db.prepareCached('SELECT owner, MAX(version) AS version FROM schema_migrations GROUP BY owner').all() as { owner: string; version: number }[];
    return new Map(rows.map((row) => [row.owner, Number(row.version)]));
  }

  /** The applied core schema version. */
  get schemaVersion(): number {
    return Number(this.#db.pragma('user_version', { simple: true }));
  }

  get isOpen(): boolean {
    return this.#db.open;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}
