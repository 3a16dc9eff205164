/** @module cli/commands/gateway-auth-token — `clawgate gateway auth-token`: print the local gateway's token. */
import type { Command } from 'commander';
import { readGeneratedToken } from '../../config/index.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';

export function registerGatewayAuthToken(gateway: Command, getContext: (command: Command) => CliContext): void {
  gateway
    .command('auth-token')
    .description("print the local gateway's token (configured, or generated on first start)")
    .action((_flags: unknown, command: Command) => {
      const context = getContext(command);
      const configured = context.gatewayEnv.token ?? context.config().config.gateway?.auth?.token;
      const token = configured ?? readGeneratedToken(context.paths);
      if (token === undefined) {
        throw new CliError(
          `no gateway token yet: start the gateway once (\`clawgate gateway run\`) to generate one in ${context.paths.tokenPath}, or set gateway.auth.token`,
          ExitCode.CONFIG,
        );
      }
      context.stdout.write(`${token}\n`);
    });
}
