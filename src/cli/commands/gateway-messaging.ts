/**
 * @module cli/commands/gateway-messaging — `clawgate gateway send`, a thin wrapper over the `send` RPC.
 *
 * (`clawgate gateway agent` lives in gateway-agent.ts: it streams the reply.)
 */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { send, type SendParams } from '../../protocol/index.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { callTarget, parseTimeoutMs, resolveCliTarget, withConnectionOptions, type ConnectionFlags } from '../connection-options.js';
import { printJson, printLines } from '../output.js';

interface SendFlags extends ConnectionFlags {
  to?: string;
  message?: string;
  mediaUrl?: string;
  channel?: string;
  idempotencyKey?: string;
}

export function registerGatewayMessaging(gateway: Command, getContext: (command: Command) => CliContext): void {
  withConnectionOptions(gateway.command('send'))
    .description('deliver a message through one of the gateway\'s channels (the `send` RPC)')
    .requiredOption('--to <target>', 'recipient (channel-specific id, e.g. a Telegram chat id)')
    .option('--message <text>', 'message text')
    .option('--media-url <url>', 'attach media by URL')
    .option('--channel <channel>', 'channel to send through (e.g. telegram)')
    .option('--idempotency-key <key>', 'dedupe key (default: a random UUID)')
    .action(async (flags: SendFlags, command: Command) => {
      const context = getContext(command);
      if (flags.message === undefined && flags.mediaUrl === undefined) throw new CliError('send needs --message or --media-url', ExitCode.USAGE);
      const params: SendParams = { to: flags.to ?? '', idempotencyKey: flags.idempotencyKey ?? randomUUID() };
      if (flags.message !== undefined) params.message = flags.message;
      if (flags.mediaUrl !== undefined) params.mediaUrl = flags.mediaUrl;
      if (flags.channel !== undefined) params.channel = flags.channel;
      const target = resolveCliTarget(context, flags);
      const { payload } = await callTarget(target, send, params, { timeoutMs: parseTimeoutMs(flags), context });
      if (flags.json === true) return printJson(context.stdout, payload);
      printLines(context.stdout, ['Sent.', JSON.stringify(payload, null, 2)]);
    });
}
