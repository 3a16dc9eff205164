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
