/**
 * @module cli/commands/channels — `clawgate channels status|start|stop` and `clawgate pairing list|approve`
 * over the channels.* RPCs (OpenClaw's `openclaw channels status [--probe]` and `openclaw pairing …`).
 */
import type { Command } from 'commander';
import { channelsPairingList, channelsStart, channelsStatus, channelsStop, type ChannelPairingApproveResult, type ChannelsStatusResult } from '../../protocol/index.js';
import type { CliContext } from '../context.js';
import { callTarget, callTargetRaw, parseTimeoutMs, resolveCliTarget, withConnectionOptions, type ConnectionFlags } from '../connection-options.js';
import { printJson, printLines } from '../output.js';

interface StatusFlags extends ConnectionFlags {
  probe?: boolean;
}

interface ApproveFlags extends ConnectionFlags {
  notify?: boolean;
  account?: string;
}

export function registerChannels(program: Command, getContext: (command: Command) => CliContext): void {
  const channels = program.command('channels').description('messaging channels (Telegram): status, start, stop');

  withConnectionOptions(channels.command('status'))
    .description('each channel account: running, connected, mode, last error')
    .option('--probe', 'also run a live check against each channel (Telegram: getMe)')
    .action(async (flags: StatusFlags, command: Command) => {
      const context = getContext(command);
      const params = flags.probe === true ? { probe: true, timeoutMs: 8000 } : {};
      const { payload } = await callTarget(resolveCliTarget(context, flags), channelsStatus, params, { timeoutMs: parseTimeoutMs(flags), context });
      if (flags.json === true) return printJson(context.stdout, payload);
      printLines(context.stdout, formatChannelsStatus(payload));
    });

  for (const action of ['start', 'stop'] as const) {
    withConnectionOptions(channels.command(`${action} <channel>`))
      .description(`${action} a channel (needs operator.admin)`)
      .option('--account <id>', 'one account (default: all of the channel)')
      .action(async (channel: string, flags: ApproveFlags, command: Command) => {
        const context = getContext(command);
        const params = flags.account === undefined ? { channel } : { channel, accountId: flags.account };
        const { payload } = await callTarget(resolveCliTarget(context, flags), action === 'start' ? channelsStart : channelsStop, params, { timeoutMs: parseTimeoutMs(flags), context });
        if (flags.json === true) return printJson(context.stdout, payload);
        printLines(context.stdout, [`${channel}: ${action === 'start' ? 'started' : 'stopped'}`]);
      });
  }

  const pairing = program.command('pairing').description('who may DM the bot: pending pairing codes and approvals');

  withConnectionOptions(pairing.command('list [channel]'))
    .description('pending DM pairing requests (codes expire after 1 hour)')
    .action(async (channel: string | undefined, flags: ConnectionFlags, command: Command) => {
      const context = getContext(command);
      const { payload } = await callTarget(resolveCliTarget(context, flags), channelsPairingList, channel === undefined ? {} : { channel }, { timeoutMs: parseTimeoutMs(flags), context });
      if (flags.json === true) {
        return printJson(context.stdout, {
          channel: channel ?? null,
          requests: payload.requests.map((r) => ({ id: r.senderId, code: r.code, createdAt: new Date(r.createdAt).toISOString(), lastSeenAt: new Date(r.lastSeenAt).toISOString(), meta: { ...r.metadata, accountId: r.accountId } })),
        });
      }
      if (payload.requests.length === 0) return printLines(context.stdout, ['No pending pairing requests.']);
      printLines(context.stdout, [
        'Pending pairing requests:',
        ...payload.requests.map((r) => `  ${r.channel}  ${r.code ?? '?'}  sender ${r.senderId}${r.senderLabel === undefined ? '' : ` (${r.senderLabel})`}  expires ${new Date(r.expiresAt).toISOString()}`),
        `Approve with: clawgate pairing approve <channel> <code> [--notify]`,
      ]);
    });

  withConnectionOptions(pairing.command('approve <channel> <code>'))
    .description('let a sender DM the bot; the first approval also makes them command owner when none is set')
    .option('--notify', 'tell the sender they were approved')
    .option('--account <id>', 'channel account (default: the only one)')
    .action(async (channel: string, code: string, flags: ApproveFlags, command: Command) => {
      const context = getContext(command);
      const params: Record<string, unknown> = { channel, code, bootstrapCommandOwner: true };
      if (flags.notify === true) params['notify'] = true;
      if (flags.account !== undefined) params['accountId'] = flags.account;
      // operator.admin as well: the first approval may also configure the command owner (A8 step 7).
      const result = await callTargetRaw(resolveCliTarget(context, flags), 'channels.pairing.approve', params, { scopes: ['operator.pairing', 'operator.admin'], expectFinal: false, timeoutMs: parseTimeoutMs(flags), context });
      const payload = result.payload as ChannelPairingApproveResult;
      if (flags.json === true) return printJson(context.stdout, payload);
      const lines = [`Approved ${channel} sender ${payload.senderId}.`];
      if (payload.commandOwnerBootstrap === 'configured') lines.push(`Command owner configured ${payload.commandOwner ?? `${channel}:${payload.senderId}`}`);
      if (payload.notification === 'sent') lines.push('The sender was notified.');
      if (payload.notification === 'failed') lines.push('Could not notify the sender (see `clawgate channels status`).');
      printLines(context.stdout, lines);
    });
}

/** Human lines for `channels status`: one block per account, the last error in plain words. */
export function formatChannelsStatus(status: ChannelsStatusResult): string[] {
  const lines: string[] = [];
  for (const id of status.channelOrder) {
    for (const account of status.channelAccounts[id] ?? []) {
      const a = account as Record<string, unknown>;
      const state = a['configured'] !== true ? 'not configured' : `${String(a['lifecycle'])}${a['connected'] === true ? ', connected' : ''}${a['mode'] === null || a['mode'] === undefined ? '' : `, ${String(a['mode'])}`}`;
      lines.push(`${status.channelLabels[id] ?? id} (${String(a['accountId'])}): ${state}`);
      if (typeof a['lastInboundAt'] === 'number') lines.push(`  last inbound  ${new Date(a['lastInboundAt']).toISOString()}`);
      if (typeof a['lastOutboundAt'] === 'number') lines.push(`  last outbound ${new Date(a['lastOutboundAt']).toISOString()}`);
      if (typeof a['lastError'] === 'string') lines.push(`  last error    ${a['lastError']}`);
      const probe = a['probe'] as Record<string, unknown> | undefined;
      if (probe !== undefined) {
        const bot = probe['bot'] as Record<string, unknown> | undefined;
        lines.push(probe['ok'] === true ? `  probe         ok (@${String(bot?.['username'] ?? '?')}, ${String(probe['elapsedMs'])} ms)` : `  probe         FAILED: ${String(probe['error'])}`);
      }
    }
  }
  for (const issue of status.statusIssues ?? []) lines.push(`! ${issue.channel}: ${issue.message}${issue.fix === undefined ? '' : ` Fix: ${issue.fix}`}`);
  return lines.length === 0 ? ['No channels.'] : lines;
}
