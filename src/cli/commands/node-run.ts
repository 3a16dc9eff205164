/**
 * @module cli/commands/node-run — `clawgate node run`: run this machine as a headless node until stopped.
 *
 * The credential comes from CLAWGATE_GATEWAY_TOKEN / OPENCLAW_GATEWAY_TOKEN (or *_PASSWORD), then
 * `gateway.auth.token|password` in the config, then the token a local gateway generated; there is no
 * --token flag, so the secret never shows in a process listing (as with `openclaw node run`).
 */
import type { Command } from 'commander';
import { readGeneratedToken } from '../../config/index.js';
import { NodeHost } from '../../node-host/index.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { parsePort } from '../connection-options.js';

interface NodeRunFlags {
  host: string;
  port: string;
  tls?: boolean;
  tlsFingerprint?: string;
  displayName?: string;
}

export function registerNodeRun(program: Command, getContext: (command: Command) => CliContext): void {
  const node = program.command('node').description('run this machine as a node of a gateway');
  node
    .command('run')
    .description('connect as a headless node and answer system.which, system.run and system.info')
    .option('--host <host>', 'gateway host', '127.0.0.1')
    .option('--port <port>', 'gateway port', '18789')
    .option('--tls', 'connect with wss://', false)
    .option('--no-tls', 'connect with plain ws:// (default)')
    .option('--tls-fingerprint <sha256>', "pin the gateway certificate's SHA-256 fingerprint (implies --tls)")
    .option('--display-name <name>', 'name shown to operators (remembered)')
    .action(async (flags: NodeRunFlags, command: Command) => {
      const context = getContext(command);
      const port = parsePort(flags.port) ?? 18789;
      const isTls = flags.tls === true || flags.tlsFingerprint !== undefined;
      const host = flags.host.includes(':') && !flags.host.startsWith('[') ? `[${flags.host}]` : flags.host;
      const url = `${isTls ? 'wss' : 'ws'}://${host}:${port}`;
      const { token, password } = resolveCredential(context);
      const log = (line: string): void => {
        context.stdout.write(`${new Date().toISOString()} ${line}\n`);
      };
      const nodeHost = new NodeHost({
        url,
        token,
        password,
        stateDir: context.paths.stateDir,
        displayName: flags.displayName,
        tlsFingerprint: flags.tlsFingerprint,
        // A pinned fingerprint replaces CA validation (self-signed gateway certificates).
        ...(flags.tlsFingerprint !== undefined ? { wsOptions: { rejectUnauthorized: false } } : {}),
        log,
      });
      const stop = (): void => nodeHost.stop();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        const state = await nodeHost.run();
        if (state === 'failed') throw new CliError('', ExitCode.AUTH_FAILED);
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}

function resolveCredential(context: CliContext): { token?: string; password?: string } {
  const env = context.gatewayEnv;
  if (env.token !== undefined) return { token: env.token };
  if (env.password !== undefined) return { password: env.password };
  const auth = context.config().config.gateway?.auth;
  if (auth?.token !== undefined) return { token: auth.token };
  if (auth?.password !== undefined) return { password: auth.password };
  const generated = readGeneratedToken(context.paths);
  if (generated !== undefined) return { token: generated };
  throw new CliError('no gateway credential: set CLAWGATE_GATEWAY_TOKEN (or OPENCLAW_GATEWAY_TOKEN), or gateway.auth.token in the config', ExitCode.CONFIG);
}
