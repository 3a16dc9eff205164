// Runs the compiled test suite (dist/test) with node's test runner, on a Node.js that can open the
// gateway's store: this one when it has node:sqlite or a working better-sqlite3, else the Node.js 24
// that scripts/install-runtime.mjs put in runtime/ (what `clawgate gateway run` itself falls back
// to). Without that choice, a fresh machine whose npm could not build better-sqlite3 for Node 20 (no
// compiler or no Node headers) would fail every store test, though the gateway runs fine there.
//
// Usage: node scripts/run-tests.mjs [--concurrency N] [dir-or-file ...]   (default: dist/test)
// Every test runs with CLAWGATE_VALIDATE_RESULTS=1 (results checked against their contracts) and the
// port guard (no test may touch the default port 18789). The exit code is the runner's.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chooseNodeWithSqlite } from './sqlite-engine.mjs';

const argv = process.argv.slice(2);
let concurrency = '2';
const roots = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--concurrency') concurrency = argv[++i] ?? concurrency;
  else roots.push(argv[i]);
}

/** Every *.test.js under the given roots, sorted so runs are comparable. */
function testFiles(paths) {
  const found = [];
  const walk = (path) => {
    if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
    else if (path.endsWith('.test.js')) found.push(path);
  };
  for (const path of paths) walk(path);
  return found.sort();
}

const files = testFiles(roots.length > 0 ? roots : ['dist/test']);
const node = chooseNodeWithSqlite();
if (node.isFallback) process.stderr.write('run-tests: store tests will fail. Fix: run `node scripts/install-runtime.mjs`.\n');
process.stderr.write(`run-tests: ${files.length} files on ${node.path} (${node.why})\n`);
const child = spawn(
  node.path,
  ['--import', './dist/test/helpers/port-guard.js', '--test', `--test-concurrency=${concurrency}`, ...files],
  {
    stdio: 'inherit',
    // The chosen Node first on PATH: tests that start `node` or `npx` get the same one.
    env: { ...process.env, CLAWGATE_VALIDATE_RESULTS: '1', PATH: `${dirname(node.path)}:${process.env['PATH'] ?? ''}` },
  },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal === null ? 1 : 128);
});
