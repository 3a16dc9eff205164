/**
 * @module cli/commands/gateway-messaging — `clawgate gateway send` and `clawgate gateway agent`.
 *
 * Thin wrappers over the `send` and `agent` RPCs as OpenClaw's gateway defines them (agent answers
 * twice: an `accepted` ack, then the final result, so the call waits for the final one). A gateway
 * without channels or an agent answers with its own error (Clawgate's: `unknown method`).
 */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { agent, send, type AgentParams, type SendParams } from '../../protocol/index.js';
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

interface AgentFlags extends ConnectionFlags {
  message?: string;
  to?: string;
  agent?: string;
  sessionId?: string;
  sessionKey?: string;
  thinking?: string;
  deliver?: boolean;
  channel?: string;
  timeoutSeconds?: string;
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

  withConnectionOptions(gateway.command('agent'))
    .description('run one agent turn on the gateway and wait for its final result (the `agent` RPC)')
    .requiredOption('--message <text>', 'what to ask the agent')
    .option('--to <target>', 'deliver the reply to this recipient')
    .option('--agent <id>', 'agent id (default: the gateway\'s default agent)')
    .option('--session-id <id>', 'session id')
    .option('--session-key <key>', 'session key, e.g. agent:main:main')
    .option('--thinking <level>', 'thinking level')
    .option('--deliver', 'deliver the reply through the channel', false)
    .option('--channel <channel>', 'channel for delivery')
    .option('--timeout-seconds <s>', 'agent run timeout in seconds')
    .option('--idempotency-key <key>', 'dedupe key (default: a random UUID)')
    .action(async (flags: AgentFlags, command: Command) => {
      const context = getContext(command);
      const params: AgentParams = { message: flags.message ?? '', idempotencyKey: flags.idempotencyKey ?? randomUUID() };
      if (flags.to !== undefined) params.to = flags.to;
      if (flags.agent !== undefined) params.agentId = flags.agent;
      if (flags.sessionId !== undefined) params.sessionId = flags.sessionId;
      if (flags.sessionKey !== undefined) params.sessionKey = flags.sessionKey;
      if (flags.thinking !== undefined) params.thinking = flags.thinking;
      if (flags.deliver === true) params.deliver = true;
      if (flags.channel !== undefined) params.channel = flags.channel;
      let timeoutMs = parseTimeoutMs(flags);
      if (flags.timeoutSeconds !== undefined) {
        const seconds = Number(flags.timeoutSeconds);
        if (!Number.isInteger(seconds) || seconds < 1) throw new CliError(`--timeout-seconds must be a positive whole number (got "${flags.timeoutSeconds}")`, ExitCode.USAGE);
        params.timeout = seconds;
        timeoutMs = Math.max(timeoutMs, seconds * 1000 + 5000);
      }
      const target = resolveCliTarget(context, flags);
      const { payload } = await callTarget(target, agent, params, { timeoutMs, context });
      if (flags.json === true) return printJson(context.stdout, payload);
      printLines(context.stdout, [JSON.stringify(payload, null, 2)]);
    });
}
