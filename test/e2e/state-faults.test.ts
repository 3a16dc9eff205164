/**
 * State-dir and database faults at start-up (issue 12, "Fuzzing, load, faults"): each gives one coded
 * error naming the path and the fix, exit 78, and no half-started gateway (nothing listens, no
 * database file left behind by the failed start). Real `clawgate gateway run` processes, real SQLite;
 * the read-only and full-disk cases mount a small tmpfs and need root (skipped otherwise).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openSqlite } from '../../src/store/sqlite-driver.js';
import { runCliProcess, type CliResult } from '../helpers/cli.js';
import { createTempStateDir } from '../helpers/gateway.js';
import { findFreePort } from '../helpers/ports.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), '..', 'helpers', 'gateway-child.js');
const TOKEN = 'state-faults-token-0123456789abcdef';
const isRoot = process.getuid?.() === 0;
const ROOT_ONLY = isRoot ? false : 'needs root to mount a tmpfs';

async function runGateway(stateDir: string, port: number): Promise<CliResult> {
  // A gateway that wrongly starts would run forever: the timeout turns that into a failure.
  return runCliProcess(['gateway', 'run', '--port', String(port)], { PATH: process.env['PATH'], HOME: tmpdir(), CLAWGATE_STATE_DIR: stateDir }, 20_000);
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** One line on stderr, naming `path` and a fix. */
function assertOneClearError(result: CliResult, path: string, pattern: RegExp): void {
  assert.equal(result.code, 78, `exit 78 (EX_CONFIG); stderr: ${result.stderr}`);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one error line: ${result.stderr}`);
  assert.match(lines[0] ?? '', pattern);
  assert.ok(lines[0]?.includes(path), `names ${path}: ${lines[0]}`);
  assert.match(lines[0] ?? '', /Fix: /);
}

function withTmpfs(options: string, fn: (mountPoint: string) => Promise<void>): Promise<void> {
  const mountPoint = join(createTempStateDir(), 'state-dir');
  mkdirSync(mountPoint);
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', mountPoint]);
  assert.equal(mounted.status, 0, `mount tmpfs: ${String(mounted.stderr)}`);
  return fn(mountPoint).finally(() => spawnSync('umount', [mountPoint]));
}

async function spawnChild(stateDir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [CHILD, stateDir, TOKEN], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  return { child, port: (JSON.parse(line) as { port: number }).port };
}

async function kill9(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('state dir faults at start-up', () => {
  it('a file where the state dir should be: STATE_DIR_NOT_DIRECTORY, nothing listens, the file is untouched', async () => {
    const stateDir = join(createTempStateDir(), 'state-dir');
    writeFileSync(stateDir, 'not a dir');
    const port = await findFreePort();
    const result = await runGateway(stateDir, port);
    assertOneClearError(result, stateDir, /is not a directory/);
    assert.equal(await isListening(port), false);
    assert.equal(readFileSync(stateDir, 'utf8'), 'not a dir');
  });

  it('an unwritable state dir: STATE_DIR_UNWRITABLE before anything is written', async () => {
    const run = async (stateDir: string): Promise<void> => {
      const port = await findFreePort();
      const result = await runGateway(stateDir, port);
      assertOneClearError(result, stateDir, /is not writable \((EROFS|EACCES)\)/);
      assert.equal(await isListening(port), false);
      assert.deepEqual(readdirSync(stateDir), [], 'no files');
    };
    if (isRoot) {
      // root ignores mode bits: a read-only mount is the unwritable dir it cannot get around.
      await withTmpfs('ro,size=64k', run);
    } else {
      const stateDir = join(createTempStateDir(), 'state-dir');
      mkdirSync(stateDir, { mode: 0o500 });
      await run(stateDir).finally(() => chmodSync(stateDir, 0o700));
    }
  });

  it('a full disk: STATE_DISK_FULL, no files left behind', { skip: ROOT_ONLY }, async () => {
    await withTmpfs('size=64k', async (stateDir) => {
      spawnSync('sh', ['-c', `head -c 1000000 /dev/zero > ${join(stateDir, 'filler')}`]);
      const port = await findFreePort();
      const result = await runGateway(stateDir, port);
      assertOneClearError(result, stateDir, /no space left/);
      assert.equal(await isListening(port), false);
      assert.deepEqual(readdirSync(stateDir), ['filler']);
    });
  });

  it('a disk that fills up while the database is created: STATE_DISK_FULL, no database file left', { skip: ROOT_ONLY }, async () => {
    // Room for the start-up probe (16 KiB) but not for the database and its WAL.
    await withTmpfs('size=24k', async (stateDir) => {
      const port = await findFreePort();
      const result = await runGateway(stateDir, port);
      assertOneClearError(result, stateDir, /no space left/);
      assert.equal(await isListening(port), false);
      const database = join(stateDir, 'state', 'clawgate.sqlite');
      for (const suffix of ['', '-wal', '-shm']) assert.equal(existsSync(`${database}${suffix}`), false, `no ${database}${suffix}`);
    });
  });
});

describe('database faults at start-up', () => {
  it('a corrupt database: STATE_STORE_CORRUPT naming the file and the move-aside fix; the file is not overwritten', async () => {
    const stateDir = createTempStateDir();
    const database = join(stateDir, 'state', 'clawgate.sqlite');
    mkdirSync(dirname(database), { recursive: true, mode: 0o700 });
    const garbage = Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 131 + 7) % 256));
    writeFileSync(database, garbage, { mode: 0o600 });
    const port = await findFreePort();
    const result = await runGateway(stateDir, port);
    assertOneClearError(result, database, /is corrupt/);
    assert.match(result.stderr, /\.corrupt/);
    assert.equal(await isListening(port), false);
    assert.deepEqual(readFileSync(database), garbage, 'the evidence is kept as it was');
  });

  it('a database locked by another process: STATE_STORE_LOCKED naming the file', async () => {
    const stateDir = createTempStateDir();
    // A first start creates a real, current database; then another program takes an exclusive lock.
    const first = await spawnChild(stateDir);
    await kill9(first.child);
    const database = join(stateDir, 'state', 'clawgate.sqlite');
    const holder = openSqlite(database);
    try {
      holder.pragma('locking_mode = EXCLUSIVE');
      holder.exec('BEGIN EXCLUSIVE');
      const port = await findFreePort();
      const result = await runGateway(stateDir, port);
      assertOneClearError(result, database, /is locked by another process/);
      assert.equal(await isListening(port), false);
    } finally {
      holder.close();
    }
  });
});

describe('two gateways on one state dir', () => {
  it('the second refuses with STATE_DIR_IN_USE naming the first pid, even on another port; kill -9 of the first frees the dir', async () => {
    const stateDir = createTempStateDir();
    const first = await spawnChild(stateDir);
    try {
      const port = await findFreePort();
      assert.notEqual(port, first.port);
      const second = await runGateway(stateDir, port);
      assertOneClearError(second, stateDir, new RegExp(`another gateway \\(pid ${first.child.pid}\\) already runs`));
      assert.equal(await isListening(port), false, 'the second never listened');
      assert.equal(await isListening(first.port), true, 'the first keeps running');
      // No stale lock: the kernel drops the first's lock with the process.
      await kill9(first.child);
      const third = await spawnChild(stateDir);
      assert.equal(await isListening(third.port), true);
      await kill9(third.child);
    } finally {
      await kill9(first.child);
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
