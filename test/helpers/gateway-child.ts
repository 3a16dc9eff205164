/**
 * @module test/helpers/gateway-child — a gateway in its own process, for tests that kill it (kill -9).
 * Usage: node gateway-child.js <stateDir> <token> [port]. Uses the daemon's default features. Prints one JSON line `{"port":N}` once listening.
 */
import { resolveStatePaths } from '../../src/config/index.js';
import { startGateway } from '../../src/daemon/index.js';

const [stateDir, token, portArg] = process.argv.slice(2);
if (stateDir === undefined || token === undefined) {
  process.stderr.write('usage: gateway-child <stateDir> <token>\n');
  process.exit(2);
}
const env = { CLAWGATE_STATE_DIR: stateDir };
const started = await startGateway({ paths: resolveStatePaths({ env }), flags: { port: portArg === undefined ? 0 : Number(portArg), token }, env, logLevel: 'warn' });
process.stdout.write(`${JSON.stringify({ port: started.server.port })}\n`);

// Fault injection for test/e2e/blocked-loop.test.ts: SIGUSR2 blocks this gateway's event loop for
// CLAWGATE_TEST_BLOCK_MS (a synchronous wait, as a runaway handler or a huge JSON.stringify would).
const blockMs = Number(process.env['CLAWGATE_TEST_BLOCK_MS'] ?? 0);
if (blockMs > 0) {
  process.on('SIGUSR2', () => {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, blockMs);
    process.stdout.write(`${JSON.stringify({ unblocked: true })}\n`);
  });
}
