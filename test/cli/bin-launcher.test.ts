/**
 * bin/clawgate.js: which commands run on runtime/'s Node.js and which stay in this process, and the
 * store error's advice when no SQLite engine loads.
 *
 * Each test lays out a throwaway package: a copy of the real bin/clawgate.js and driver, a stub
 * dist/clawgate.mjs that reports "in-process", and a stub runtime `node` (a shell script) that
 * reports "runtime" and exits 7. Outside the checkout there is no node_modules, so better-sqlite3
 * cannot load: on a Node without node:sqlite (20 in CI) that is exactly the fresh machine of issue 8.
 * The real download is proven by .ci/fresh-machine.sh.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLAWGATE_BIN } from '../helpers/cli.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const hasNodeSqlite = (() => {
  try {
    return (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule?.('node:sqlite') !== undefined;
  } catch {
    return false;
  }
})();
const platform = process.platform === 'win32' ? 'win' : process.platform;

describe('bin/clawgate.js', { skip: process.platform === 'win32' ? 'the stub runtime is a shell script' : false }, () => {
  let root: string;

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'clawgate-launcher-'));
    mkdirSync(join(root, 'bin'));
    mkdirSync(join(root, 'dist'));
    mkdirSync(join(root, 'scripts'));
    copyFileSync(CLAWGATE_BIN, join(root, 'bin', 'clawgate.js'));
    for (const script of ['install-runtime.mjs', 'sqlite-engine.mjs']) copyFileSync(join(REPO, 'scripts', script), join(root, 'scripts', script));
    writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(join(root, 'dist', 'clawgate.mjs'), "process.stdout.write(`in-process ${process.argv.slice(2).join(' ')}\\n`);\n");
    const runtimeBin = join(root, 'runtime', 'node_modules', `node-${platform}-${process.arch}`, 'bin');
    mkdirSync(runtimeBin, { recursive: true });
    writeFileSync(join(runtimeBin, 'node'), '#!/bin/sh\nshift\necho "runtime $*"\nexit 7\n');
    chmodSync(join(runtimeBin, 'node'), 0o755);
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  const launch = (...args: string[]) => {
    const result = spawnSync(process.execPath, [join(root, 'bin', 'clawgate.js'), ...args], { encoding: 'utf8', timeout: 15_000 });
    return { code: result.status, stdout: result.stdout.trim(), stderr: result.stderr };
  };

  it('runs every client command in this process, whatever the Node', () => {
    for (const args of [['health'], ['gateway', 'status'], ['gateway', 'call', 'status'], ['--profile', 'x', 'gateway', 'health'], ['gateway', 'run', '--help'], ['--version']]) {
      const result = launch(...args);
      assert.equal(result.stdout, `in-process ${args.join(' ')}`, args.join(' '));
      assert.equal(result.code, 0);
    }
  });

  if (hasNodeSqlite) {
    it('runs `gateway run` in this process on a Node with node:sqlite (no re-exec, no runtime)', () => {
      assert.equal(launch('gateway', 'run', '--port', '1').stdout, 'in-process gateway run --port 1');
    });
  } else {
    it('runs `gateway run` (also `gateway`, `gateway --port 1`) on the runtime and exits with its code', () => {
      for (const args of [['gateway', 'run', '--port', '1'], ['gateway'], ['gateway', '--port', '1'], ['--profile', 'x', 'gateway']]) {
        const result = launch(...args);
        assert.equal(result.stdout, `runtime ${args.join(' ')}`, args.join(' '));
        assert.equal(result.code, 7);
      }
    });
  }

  it('names an existing install-runtime.mjs in the store error when no engine loads', { skip: hasNodeSqlite ? 'this Node has node:sqlite' : false }, async () => {
    const driverDir = join(root, 'dist', 'src', 'store');
    mkdirSync(driverDir, { recursive: true });
    copyFileSync(join(REPO, 'dist', 'src', 'store', 'sqlite-driver.js'), join(driverDir, 'sqlite-driver.js'));
    const { openSqlite } = (await import(join(driverDir, 'sqlite-driver.js'))) as typeof import('../../src/store/sqlite-driver.js');
    let message = '';
    assert.throws(() => openSqlite(':memory:'), (error: Error) => ((message = error.message), true));
    const command = /Fix: run `node ([^`]+)`/.exec(message)?.[1];
    assert.equal(command, join(root, 'scripts', 'install-runtime.mjs'), message);
    assert.ok(existsSync(command));
    assert.match(message, /no built-in node:sqlite and the better-sqlite3 addon is not available/);
  });
});
