/** The SQLite interface behaves the same on both engines (node:sqlite where Node has it, better-sqlite3 otherwise). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openSqlite } from '../../src/store/sqlite-driver.js';

const hasNodeSqlite = (() => {
  try {
    return (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule?.('node:sqlite') !== undefined;
  } catch {
    return false;
  }
})();

for (const engine of ['node:sqlite', 'better-sqlite3'] as const) {
  // Each Node uses exactly one engine in production; test that one (better-sqlite3 12 is known to
  // abort on Node 24, which is why node:sqlite is preferred there).
  const skip =
    engine === 'node:sqlite' && !hasNodeSqlite
      ? `node:sqlite is not in Node ${process.version}`
      : engine === 'better-sqlite3' && hasNodeSqlite
        ? `Node ${process.version} uses node:sqlite`
        : false;
  describe(`sqlite driver: ${engine}`, { skip }, () => {
    it('runs statements with positional and named parameters', () => {
      const db = openSqlite(':memory:', engine);
      try {
        assert.equal(db.engine, engine);
        db.exec('CREATE TABLE t (a INTEGER, b TEXT)');
        assert.equal(db.prepare('INSERT INTO t VALUES (?, ?)').run(1, 'x').changes, 1);
        db.prepare('INSERT INTO t VALUES (@a, @b)').run({ a: 2, b: 'y' });
        assert.deepEqual({ ...(db.prepare('SELECT b FROM t WHERE a = ?').get(2) as object) }, { b: 'y' });
        assert.equal(db.prepare('SELECT * FROM t').all().length, 2);
      } finally {
        db.close();
      }
    });

    it('reads and writes pragmas, with `simple` returning the value', () => {
      const db = openSqlite(':memory:', engine);
      try {
        db.pragma('user_version = 7');
        assert.equal(db.pragma('user_version', { simple: true }), 7);
      } finally {
        db.close();
      }
    });

    it('commits a transaction, rolls back a failed one, and nests with savepoints', () => {
      const db = openSqlite(':memory:', engine);
      try {
        db.exec('CREATE TABLE t (a INTEGER)');
        db.transaction(() => db.prepare('INSERT INTO t VALUES (1)').run()).immediate();
        assert.throws(() => db.transaction(() => {
          db.prepare('INSERT INTO t VALUES (2)').run();
          throw new Error('boom');
        })());
        db.transaction(() => {
          db.prepare('INSERT INTO t VALUES (3)').run();
          assert.throws(() => db.transaction(() => {
            db.prepare('INSERT INTO t VALUES (4)').run();
            throw new Error('inner');
          })());
        }).immediate();
        const values = (db.prepare('SELECT a FROM t ORDER BY a').all() as { a: number }[]).map((r) => r.a);
        assert.deepEqual(values, [1, 3]);
      } finally {
        db.close();
      }
    });

    it('prepares a statement once per SQL text with prepareCached, and forgets them on close', () => {
      const db = openSqlite(':memory:', engine);
      db.exec('CREATE TABLE t (a INTEGER)');
      const insert = db.prepareCached('INSERT INTO t VALUES (?)');
      assert.equal(db.prepareCached('INSERT INTO t VALUES (?)'), insert);
      assert.notEqual(db.prepareCached('SELECT a FROM t'), insert);
      insert.run(1);
      insert.run(2);
      assert.equal(db.prepareCached('SELECT a FROM t').all().length, 2);
      db.close();
      assert.throws(() => db.prepareCached('SELECT a FROM t'), 'a closed connection hands out no cached statement');
    });
  });
}
