// Makes sure `clawgate gateway run` has a SQLite engine without compiling anything.
//
// Run by `npm ci`/`npm install` (postinstall) and by hand (the gateway's store error names this
// command). The gateway's store needs node:sqlite (Node.js >= 22.13) or a working better-sqlite3
// addon. On an older Node where better-sqlite3 could not be built (no prebuilt binary reachable, no
// Node headers, no compiler), this installs Node.js 24 from the npm registry (the platform package
// pinned in runtime/package-lock.json, checked by its integrity hash) into runtime/node_modules;
// bin/clawgate.js then runs the gateway on it. Users whose Node already has node:sqlite download
// nothing. It never fails the surrounding `npm ci`: the client commands work without SQLite, and the
// gateway's error names this script again.
//
// Usage: node scripts/install-runtime.mjs [--force]   (--force: install even if not needed)
// Exit code: 0 when the gateway has an engine afterwards; 1 when it still has none (always 0 as
// postinstall).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hasBetterSqlite, hasNodeSqlite, runtimeNodePath } from './sqlite-engine.mjs';

const runtimeDir = fileURLToPath(new URL('../runtime/', import.meta.url));
const isForced = process.argv.includes('--force');
const isPostinstall = process.env['npm_lifecycle_event'] === 'postinstall';
const say = (line) => process.stderr.write(`clawgate: ${line}\n`);

function runtimeWorks(nodePath) {
  if (!existsSync(nodePath)) return false;
  const probe = spawnSync(nodePath, ['-e', "process.getBuiltinModule('node:sqlite').DatabaseSync"], { stdio: 'ignore' });
  return probe.status === 0;
}

/** `npm` as the surrounding npm runs itself (postinstall), else the one on PATH. */
function npmCommand() {
  const npmCli = process.env['npm_execpath'];
  if (npmCli !== undefined && npmCli.endsWith('.js')) return { command: process.execPath, args: [npmCli] };
  return { command: process.platform === 'win32' ? 'npm.cmd' : 'npm', args: [] };
}

/** The surrounding npm's env minus what would turn the nested `npm ci` into a global or foreign install. */
function nestedNpmEnv() {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    const lower = key.toLowerCase();
    if (lower === 'npm_config_global' || lower === 'npm_config_location' || lower === 'npm_config_prefix') delete env[key];
    if (lower === 'npm_config_omit' || lower === 'npm_config_include' || lower === 'npm_config_optional') delete env[key];
  }
  return env;
}

function main() {
  const nodePath = runtimeNodePath();
  if (!isForced && hasNodeSqlite()) return 0;
  if (!isForced && hasBetterSqlite()) return 0;
  if (runtimeWorks(nodePath)) {
    if (isForced) say(`Node.js runtime already installed: ${nodePath}`);
    return 0;
  }
  const why = isForced ? '--force' : `Node.js ${process.version} has no node:sqlite and better-sqlite3 is not built`;
  say(`${why}: installing Node.js 24 from the npm registry into ${runtimeDir} (about 50 MB download)`);
  const npm = npmCommand();
  const result = spawnSync(npm.command, [...npm.args, 'ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: runtimeDir,
    env: nestedNpmEnv(),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status === 0 && runtimeWorks(nodePath)) {
    say(`the gateway will run on ${nodePath}`);
    return 0;
  }
  const reason = result.error?.message ?? (result.status === 0 ? `no Node.js package for ${process.platform}-${process.arch} in runtime/package.json` : `npm ci exited ${result.status}`);
  say(`could not install the Node.js runtime (${reason}). \`clawgate gateway run\` needs Node.js 22.13 or newer, or run \`node ${fileURLToPath(import.meta.url)}\` again once the npm registry is reachable.`);
  return isPostinstall ? 0 : 1;
}

process.exitCode = main();
