/** @module cli/commands/gateway-run — `clawgate gateway run`: start the gateway in the foreground. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { BIND_MODES, TAILSCALE_MODES, type BindMode, type TailscaleMode } from '../../config/index.js';
import type { GatewayFlags } from '../../gateway/index.js';
import type { StartGatewayOptions, StartedGateway } from '../../daemon/index.js';
import { AUTH_MODES, GatewayError, type AuthMode } from '../../protocol/index.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { parsePort } from '../connection-options.js';
import { clearRunState, writeRunState } from '../run-state.js';

interface RunFlags {
  port?: string;
  bind?: string;
  auth?: string;
  token?: string;
  tokenFile?: string;
  password?: string;
  passwordFile?: string;
  tailscale?: string;
  verbose?: boolean;
}

export function registerGatewayRun(gateway: Command, getContext: (command: Command) => CliContext): void {
  gateway
    .command('run')
    .description('run the gateway in the foreground (WebSocket + HTTP on one port)')
    .option('--port <port>', 'port to listen on (default: gateway.port, then 18789)')
    .option('--bind <mode>', `bind mode: ${BIND_MODES.join('|')} (default: loopback)`)
    .option('--auth <mode>', `auth mode: ${AUTH_MODES.join('|')} (default: token)`)
    .option('--token <token>', 'shared gateway token (default: gateway.auth.token, env, or a generated one)')
    .option('--token-file <path>', 'read the shared gateway token from a file (not visible in the process list)')
    .option('--password <password>', 'shared gateway password')
    .option('--password-file <path>', 'read the shared gateway password from a file (not visible in the process list)')
    .option('--tailscale <mode>', `expose with Tailscale: ${TAILSCALE_MODES.join('|')} (default: gateway.tailscale.mode, then off)`)
    .option('--verbose', 'log every request', false)
    .action(async (flags: RunFlags, command: Command) => {
      await runGateway(getContext(command), flags);
    });
}

async function runGateway(context: CliContext, flags: RunFlags): Promise<void> {
  const gatewayFlags = parseRunFlags(flags);
  for (const warning of secretFlagWarnings(flags)) context.stderr.write(`warning: ${warning}\n`);
  // Loaded on demand so client commands never pay for the server's modules.
  const { startGateway } = await import('../../daemon/index.js');
  const startOptions: StartGatewayOptions = {
    paths: context.paths,
    flags: gatewayFlags,
    env: context.env,
    console: context.stdout,
  };
  if (flags.verbose === true) startOptions.logLevel = 'debug';
  let started: StartedGateway;
  try {
    started = await startGateway(startOptions);
  } catch (error) {
    if (error instanceof GatewayError) {
      const exitCode = error.code === 'PORT_IN_USE' ? ExitCode.UNREACHABLE : ExitCode.CONFIG;
      throw new CliError(error.message, exitCode);
    }
    throw error;
  }
  const { settings } = started;
  // A bug in one handler must not take the gateway down for everyone: log it (no stack to clients).
  process.on('unhandledRejection', (reason) => started.logger.error({ err: reason }, 'unhandled rejection'));
  if (settings.authSource.startsWith('generated')) {
    context.stdout.write(
      `Auth: token (generated, stored in ${settings.paths.tokenPath}; \`clawgate gateway auth-token\` prints it; local CLI commands use it automatically)\n`,
    );
  } else {
    context.stdout.write(`Auth: ${settings.auth.mode} from ${settings.authSource} (local CLI commands need the same secret: --token/--password or the env variable)\n`);
  }
  writeRunState(context.paths.stateDir, {
    pid: process.pid, port: settings.port, bind: settings.bind, authMode: settings.auth.mode, authSource: settings.authSource, startedAtMs: Date.now(),
  });
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string): void => {
      started.logger.info({ signal }, 'shutting down');
      clearRunState(context.paths.stateDir, process.pid);
      void started.close(`gateway stopping (${signal})`).then(resolve);
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    // SIGHUP re-reads the config and generated token: a changed secret takes over at once (T-AUTH-1).
    process.on('SIGHUP', () => {
      try {
        const { isChanged, closedSessions } = started.reloadAuth();
        started.logger.info({ isChanged, closedSessions }, 'SIGHUP: auth reloaded');
      } catch (error) {
        started.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'SIGHUP: reload refused, the old secret stays');
      }
    });
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
}

function parseRunFlags(flags: RunFlags): GatewayFlags {
  const result: GatewayFlags = {};
  const port = parsePort(flags.port);
  if (port !== undefined) result.port = port;
  if (flags.bind !== undefined) {
    if (!(BIND_MODES as readonly string[]).includes(flags.bind)) {
      throw new CliError(`--bind must be one of ${BIND_MODES.join(', ')} (got "${flags.bind}")`, ExitCode.USAGE);
    }
    result.bind = flags.bind as BindMode;
  }
  if (flags.auth !== undefined) {
    if (!(AUTH_MODES as readonly string[]).includes(flags.auth)) {
      throw new CliError(`--auth must be one of ${AUTH_MODES.join(', ')} (got "${flags.auth}")`, ExitCode.USAGE);
    }
    result.auth = flags.auth as AuthMode;
  }
  if (flags.token !== undefined && flags.tokenFile !== undefined) throw new CliError('pass --token or --token-file, not both', ExitCode.USAGE);
  if (flags.password !== undefined && flags.passwordFile !== undefined) throw new CliError('pass --password or --password-file, not both', ExitCode.USAGE);
  const token = flags.token ?? readSecretFile(flags.tokenFile, '--token-file');
  const password = flags.password ?? readSecretFile(flags.passwordFile, '--password-file');
  if (token !== undefined) result.token = token;
  if (password !== undefined) result.password = password;
  if (flags.tailscale !== undefined) {
    if (!(TAILSCALE_MODES as readonly string[]).includes(flags.tailscale)) {
      throw new CliError(`--tailscale must be one of ${TAILSCALE_MODES.join(', ')} (got "${flags.tailscale}")`, ExitCode.USAGE);
    }
    result.tailscale = flags.tailscale as TailscaleMode;
  }
  return result;
}

/**
 * A secret given on the command line is readable by every local user (`ps`, /proc/<pid>/cmdline) for
 * as long as the gateway runs (issue 12, hole 1): say so and name the routes that are not.
 */
export function secretFlagWarnings(flags: Pick<RunFlags, 'token' | 'password'>): string[] {
  const warnings: string[] = [];
  for (const [flag, envName] of [['token', 'CLAWGATE_GATEWAY_TOKEN'], ['password', 'CLAWGATE_GATEWAY_PASSWORD']] as const) {
    if (flags[flag] === undefined) continue;
    warnings.push(`--${flag} is visible to every local user in the process list (ps); use --${flag}-file <path> (mode 0600), ${envName}, or gateway.auth.${flag} in the config instead`);
  }
  return warnings;
}

/** Reads a secret file (trailing newline trimmed); an unreadable or empty file is a usage error. */
function readSecretFile(path: string | undefined, flag: string): string | undefined {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(`${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`, ExitCode.USAGE);
  }
  const secret = text.trim();
  if (secret === '') throw new CliError(`${flag} ${path} is empty`, ExitCode.USAGE);
  return secret;
}
