/**
 * @module cli/commands/node-run — `clawgate node run`: run this machine as a headless node until stopped.
 *
 * The credential comes from CLAWGATE_GATEWAY_TOKEN / OPENCLAW_GATEWAY_TOKEN (or *_PASSWORD), then
 * `gateway.auth.token|password` in the config, then the token a local gateway generated; there is no
 * --token flag, so the secret never shows in a process listing (as with `openclaw node run`).
 * `--pair <setup link>` replaces all that for a new node: the link carries the URL and a one-time
 * bootstrap token; after the owner approves, the device token the gateway issues is stored and used.
 */
import type { Command } from 'commander';
import { readGeneratedToken } from '../../config/index.js';
import { NodeHost, loadDeviceToken, readJsonFile, resolveNodeStatePaths } from '../../node-host/index.js';
import { decodeSetupCode, type SetupPayload } from '../../protocol/index.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { parsePort } from '../connection-options.js';

interface NodeRunFlags {
  pair?: string;
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
    .option('--pair <setup-link>', 'pair with a setup code or oc-pair:// link from `clawgate devices setup-code` (gives the URL; no token needed)')
    .action(async (flags: NodeRunFlags, command: Command) => {
      const context = getContext(command);
      const paired = flags.pair === undefined ? undefined : resolvePairing(context, flags.pair);
      const port = parsePort(flags.port) ?? 18789;
      const isTls = flags.tls === true || flags.tlsFingerprint !== undefined;
      const host = flags.host.includes(':') && !flags.host.startsWith('[') ? `[${flags.host}]` : flags.host;
      const url = paired?.url ?? `${isTls ? 'wss' : 'ws'}://${host}:${port}`;
      const tlsFingerprint = paired?.tlsFingerprint ?? flags.tlsFingerprint;
      const { token, password } = paired === undefined ? resolveCredential(context) : {};
      const log = (line: string): void => {
        context.stdout.write(`${new Date().toISOString()} ${line}\n`);
      };
      const nodeHost = new NodeHost({
        url,
        token,
        password,
        stateDir: context.paths.stateDir,
        bootstrapToken: paired?.bootstrapToken,
        displayName: flags.displayName,
        tlsFingerprint,
        // A pinned fingerprint replaces CA validation (self-signed gateway certificates).
        ...(tlsFingerprint !== undefined ? { wsOptions: { rejectUnauthorized: false } } : {}),
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

/**
 * Reads `--pair`. An expired code still gives the URL when this node already holds a device token
 * from an earlier pairing (so a service re-running the same command keeps working).
 */
function resolvePairing(context: CliContext, input: string): SetupPayload {
  const payload = decodeSetupCode(input, 0);
  if (payload === undefined) throw new CliError('--pair: not a setup code or oc-pair:// link (get one with `clawgate devices setup-code`)', ExitCode.USAGE);
  const isExpired = payload.expiresAtMs !== undefined && payload.expiresAtMs <= Date.now();
  if (isExpired && !hasStoredDeviceToken(context)) {
    throw new CliError('--pair: this setup code has expired; ask the gateway owner for a new one (`clawgate devices setup-code`)', ExitCode.USAGE);
  }
  return payload;
}

function hasStoredDeviceToken(context: CliContext): boolean {
  const paths = resolveNodeStatePaths(context.paths.stateDir);
  const identity = readJsonFile(paths.identityPath);
  const deviceId = typeof identity === 'object' && identity !== null && 'deviceId' in identity ? String(identity.deviceId) : undefined;
  return deviceId !== undefined && loadDeviceToken(paths.deviceAuthPath, deviceId) !== undefined;
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
  // Paired earlier (`--pair`): the stored device token is the credential (the service case).
  if (hasStoredDeviceToken(context)) return {};
  throw new CliError('no gateway credential: pair with `clawgate node run --pair <setup link>`, or set CLAWGATE_GATEWAY_TOKEN (or OPENCLAW_GATEWAY_TOKEN), or gateway.auth.token in the config', ExitCode.CONFIG);
}
