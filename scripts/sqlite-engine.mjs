// Which SQLite engine this Node.js can use, and where the fallback runtime lives: one rule shared by
// bin/clawgate.js (re-executes `gateway run` on the runtime), scripts/install-runtime.mjs (installs
// the runtime only when needed), scripts/run-tests.mjs and test/compat/run-interop.sh (run the tests
// on a Node that has one: `node scripts/sqlite-engine.mjs` prints its path).
//
// The gateway's store needs node:sqlite (Node.js >= 22.13) or the better-sqlite3 addon. On an older
// Node where the addon could not be built, scripts/install-runtime.mjs puts Node.js 24 from the npm
// registry into runtime/.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** True when node:sqlite is built in and usable without a flag (Node 22.13+). */
export function hasNodeSqlite() {
  try {
    return process.getBuiltinModule?.('node:sqlite') !== undefined;
  } catch {
    // Node 22.5–22.12 have node:sqlite only behind a flag.
    return false;
  }
}

/** True when the better-sqlite3 addon is installed, built for this Node, and opens a database. */
export function hasBetterSqlite() {
  try {
    const Database = createRequire(import.meta.url)('better-sqlite3');
    new Database(':memory:').close();
    return true;
  } catch {
    return false;
  }
}

/** Whether this process can open the gateway's store. */
export function hasSqliteEngine() {
  return hasNodeSqlite() || hasBetterSqlite();
}

/** The runtime's node binary for this platform (npm package node-<platform>-<arch> in runtime/). */
export function runtimeNodePath() {
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  const binary = process.platform === 'win32' ? 'node.exe' : 'bin/node';
  return fileURLToPath(new URL(`../runtime/node_modules/node-${platform}-${process.arch}/${binary}`, import.meta.url));
}

/**
 * The Node that can open the store: this one when it has an engine, else runtime/'s (what
 * `clawgate gateway run` falls back to). `isFallback`: neither works, this one is returned anyway.
 */
export function chooseNodeWithSqlite() {
  if (hasSqliteEngine()) return { path: process.execPath, why: 'it has a SQLite engine', isFallback: false };
  const runtime = runtimeNodePath();
  if (existsSync(runtime)) return { path: runtime, why: `Node.js ${process.version} has no node:sqlite and better-sqlite3 is not built; this is runtime/'s Node, the one \`clawgate gateway run\` uses here`, isFallback: false };
  return { path: process.execPath, why: `Node.js ${process.version} has no SQLite engine and runtime/ has no Node.js`, isFallback: true };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) process.stdout.write(`${chooseNodeWithSqlite().path}\n`);
