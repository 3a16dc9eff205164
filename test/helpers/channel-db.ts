/** @module test/helpers/channel-db — a SQLite file with the channel tables, for channel unit tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORE_MIGRATIONS, openDatabase, type Migration, type SqliteDatabase } from '../../src/store/index.js';
import { DM_PAIRING_SCHEMA_SQL } from '../../src/channels/index.js';
import { TELEGRAM_INGRESS_SCHEMA_SQL } from '../../src/channels/telegram/index.js';

export interface ChannelDb {
  db: SqliteDatabase;
  path: string;
  /** Opens a second connection to the same file (a "restarted" gateway). */
  reopen(): SqliteDatabase;
  cleanup(): void;
}

const MIGRATIONS: Migration[] = [
  { owner: 'channels', version: 1, name: 'channel pairing (test)', sql: DM_PAIRING_SCHEMA_SQL },
  { owner: 'telegram', version: 1, name: 'telegram ingress (test)', sql: TELEGRAM_INGRESS_SCHEMA_SQL },
];

export function createChannelDb(): ChannelDb {
  const dir = mkdtempSync(join(tmpdir(), 'clawgate-channel-'));
  const path = join(dir, 'state', 'clawgate.sqlite');
  const opened: SqliteDatabase[] = [];
  const open = (): SqliteDatabase => {
    const db = openDatabase(path, [...CORE_MIGRATIONS, ...MIGRATIONS]);
    opened.push(db);
    return db;
  };
  return {
    db: open(),
    path,
    reopen: open,
    cleanup: () => {
      for (const db of opened) if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
