/** @module cli/commands/gateway-run — `clawgate gateway run`: start the gateway in the foreground. */
import type { Command } from 'commander';
import { BIND_MODES, TAILSCALE_MODES, type BindMode, type TailscaleMode } from '../../config/index.js';
import type { GatewayFlags } from '../../gateway/index.js';
import type { StartGatewayOptions, StartedGateway } from '../../daemon/index.js';
import { AUTH_MODES, GatewayError, type AuthMode } from '../../protocol/index.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { parsePort } from '../connection-options.js';

interface RunFlags {
  port?: string;
  bind?: string;
  auth?: string;
  token?: string;
  password?: string;
  tailscale?: string;
  verbose?: boolean;
}

export function registerGatewayRun(gateway: Command, getContext: (command: Command) => CliContext): void {
  gateway
    .command('run', { isDefault: true })
    .description('run the gateway in the foreground (WebSocket + HTTP on one port)')
    .option('--port <port>', 'port to listen on (default: gateway.port, then 18789)')
    .option('--bind <mode>', `bind mode: ${BIND_MODES.join('|')} (default: loopback)`)
    .option('--auth <mode>', `auth mode: ${AUTH_MODES.join('|')} (default: token)`)
    .option('--token <token>', 'shared gateway token (default: gateway.auth.token, env, or a generated one)')
    .option('--password <password>', 'shared gateway password')
    .option('--tailscale <mode>', `expose with Tailscale: ${TAILSCALE_MODES.join('|')} (default: gateway.tailscale.mode, then off)`)
    .option('--verbose', 'log every request', false)
    .action(async (flags: RunFlags, command: Command) => {
      await runGateway(getContext(command), flags);
    });
}

async function runGateway(context: CliContext, flags: RunFlags): Promise<void> {
  const gatewayFlags = parseRunFlags(flags);
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
  }
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string): void => {
      started.logger.info({ signal }, 'shutting down');
      void started.close(`gateway stopping (${signal})`).then(resolve);
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
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
  if (flags.token !== undefined) result.token = flags.token;
  if (flags.password !== undefined) result.password = flags.password;
  if (flags.tailscale !== undefined) {
    if (!(TAILSCALE_MODES as readonly string[]).includes(flags.tailscale)) {
      throw new CliError(`--tailscale must be one of ${TAILSCALE_MODES.join(', ')} (got "${flags.tailscale}")`, ExitCode.USAGE);
    }
    result.tailscale = flags.tailscale as TailscaleMode;
  }
  return result;
}
