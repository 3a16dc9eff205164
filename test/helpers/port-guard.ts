/**
 * @module test/helpers/port-guard — loaded before every test file (`node --import`, see package.json):
 * no test may connect to or listen on the default gateway port 18789, where a user's real gateway may
 * run (issue 12, hole 8: `npm test` sent requests to whatever listened there).
 *
 * It patches `net.Socket#connect` and `net.Server#listen` in the test process (and, through
 * NODE_OPTIONS set by test/helpers/cli.ts, in CLI child processes) to throw before any packet leaves.
 * A test that needs "nothing listens here" must pick a closed port itself (test/helpers/ports.ts).
 */
import net from 'node:net';

/** The port a user's own gateway listens on by default (config DEFAULT_GATEWAY_PORT). */
export const FORBIDDEN_TEST_PORT = 18789;

function portOf(first: unknown): number | undefined {
  if (typeof first === 'number') return first;
  if (typeof first === 'string' && /^\d+$/.test(first)) return Number(first);
  if (typeof first === 'object' && first !== null && 'port' in first) {
    const port = (first as { port?: unknown }).port;
    return typeof port === 'number' ? port : typeof port === 'string' && /^\d+$/.test(port) ? Number(port) : undefined;
  }
  return undefined;
}

function refuse(action: string): never {
  throw new Error(`test port guard: a test tried to ${action} port ${FORBIDDEN_TEST_PORT}, the default gateway port where a real gateway may run; give it a port from test/helpers/ports.ts`);
}

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (portOf(first) === FORBIDDEN_TEST_PORT) refuse('connect to');
  return (originalConnect as (...rest: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;

const originalListen = net.Server.prototype.listen;
net.Server.prototype.listen = function guardedListen(this: net.Server, ...args: unknown[]) {
  if (portOf(args[0]) === FORBIDDEN_TEST_PORT) refuse('listen on');
  return (originalListen as (...rest: unknown[]) => net.Server).apply(this, args);
} as typeof net.Server.prototype.listen;
