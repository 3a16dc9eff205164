// Which SQLite engine this Node.js can use, and where the fallback runtime lives: one rule shared by
// bin/clawgate.js (re-executes `gateway run` on the runtime), scripts/install-runtime.mjs (installs
// the runtime only when needed) and scripts/run-tests.mjs (runs the suite on a Node that has one).
//
// The gateway's store needs node:sqlite (Node.js >= 22.13) or the better-sqlite3 addon. On an older
// Node where the addon could not be built, scripts/install-runtime.mjs puts Node.js 24 from the npm
// registry into runtime/.
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
