#!/usr/bin/env node
// Entry point for the `clawgate` bin. The CLI is bundled into one file at build time (`npm run build`,
// run by `npm ci` through "prepare") because loading one file starts several times faster than
// loading hundreds of modules.
//
// The gateway's store needs node:sqlite (Node.js >= 22.13) or the better-sqlite3 addon. On an older
// Node without a working addon (a fresh machine that reaches only the npm registry cannot build it),
// `gateway run` re-executes itself on the Node.js 24 that scripts/install-runtime.mjs installed from
// the npm registry into runtime/. Only the command that opens the store checks for an engine, and
// only that fallback pays a second process; every other command, and every Node >= 22.13, runs here.
import { fileURLToPath } from 'node:url';
import { chooseNodeWithSqlite } from '../scripts/sqlite-engine.mjs';

const args = process.argv.slice(2);
// Set for the re-executed child only; dropped so that processes it starts decide for themselves.
const isReexec = process.env['CLAWGATE_RUNTIME_REEXEC'] === '1';
delete process.env['CLAWGATE_RUNTIME_REEXEC'];
// The same rule as the test runners (scripts/sqlite-engine.mjs): this Node, or runtime/'s when only it has an engine.
const storeNode = !isReexec && opensStore(args) ? chooseNodeWithSqlite().path : process.execPath;
if (storeNode !== process.execPath) {
  await runOnRuntime(storeNode);
} else {
  // Without a runtime the store fails to open and its error names scripts/install-runtime.mjs.
  await import('../dist/clawgate.mjs');
}

/**
 * True for `gateway run`, also spelled `gateway` or `gateway --port 1` (run is the default
 * subcommand): the only command that opens the store. A false positive costs only a re-exec on the
 * fallback path; `--help` never needs the store.
 */
function opensStore(argv) {
  const otherGatewayCommands = ['status', 'health', 'call', 'send', 'agent', 'probe', 'auth-token', 'help'];
  if (argv.some((arg) => arg === '--help' || arg === '-h' || arg === '--version' || arg === '-V')) return false;
  const positionals = [];
  for (let i = 0; i < argv.length && positionals.length < 2; i++) {
    const arg = argv[i];
    if (arg === '--profile' && positionals.length === 0) i++;
    if (!arg.startsWith('-')) positionals.push(arg);
  }
  return positionals[0] === 'gateway' && !otherGatewayCommands.includes(positionals[1] ?? 'run');
}

/**
 * Runs this same command on `nodePath` and exits as it exits. The child gets its own process group and
 * every SIGINT, SIGTERM and SIGHUP reaches it through this process, exactly once: a Ctrl-C or a
 * `kill -- -<pgid>` that also reached it directly would arrive twice and cut its graceful shutdown short.
 */
async function runOnRuntime(nodePath) {
  const { spawn } = await import('node:child_process');
  const child = spawn(nodePath, [...process.execArgv, fileURLToPath(import.meta.url), ...args], {
    stdio: 'inherit',
    detached: true,
    env: { ...process.env, CLAWGATE_RUNTIME_REEXEC: '1' },
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    process.stderr.write(`clawgate: could not start ${nodePath}: ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal === null) process.exit(code ?? 1);
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  });
}
