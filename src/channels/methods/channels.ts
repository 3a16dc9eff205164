/**
 * @module channels/methods/channels — `channels.status|start|stop`, `channels.pairing.*` and `send`,
 * handlers only: they close over the channels runtime built in the feature's onReady.
 */
import { GatewayError, channelsPairingApprove, channelsPairingDismiss, channelsPairingList, channelsStart, channelsStatus, channelsStop, send as sendContract } from '../../protocol/index.js';
import { implement, type MethodDefinition } from '../../gateway/index.js';
import type { ChannelsRuntime } from '../runtime.js';

/** Every channels method; `runtime()` throws until the feature is ready. */
export function createChannelMethods(runtime: () => ChannelsRuntime): MethodDefinition[] {
  return [
    implement(channelsStatus, async (params) => {
      const status = await runtime().manager.status(params);
      return status as unknown as Record<string, unknown> as never;
    }),
    implement(channelsStart, async ({ channel, accountId }) => {
      if (!(await runtime().manager.start(channel, accountId))) throw new GatewayError('CHANNEL_UNSUPPORTED', { channel });
      return { channel, ...(accountId === undefined ? {} : { accountId }), started: true };
    }),
    implement(channelsStop, async ({ channel, accountId }) => {
      if (!(await runtime().manager.stop(channel, accountId))) throw new GatewayError('CHANNEL_UNSUPPORTED', { channel });
      return { channel, ...(accountId === undefined ? {} : { accountId }), stopped: true };
    }),
    implement(channelsPairingList, (params) => runtime().listPairing(params) as never),
    implement(channelsPairingApprove, async (params, { caller }) => {
      const canBootstrap = caller.scopes.includes('operator.admin');
      const outcome = await runtime().approvePairing(params, canBootstrap);
      return {
        requestId: outcome.request.requestId,
        senderId: outcome.request.senderId,
        notification: outcome.notification,
        commandOwnerBootstrap: outcome.commandOwnerBootstrap,
        ...(outcome.commandOwner === undefined ? {} : { commandOwner: outcome.commandOwner }),
      };
    }),
    implement(channelsPairingDismiss, ({ requestId }) => ({ requestId, dismissed: runtime().pairing.dismiss(requestId) })),
    implement(
      sendContract,
      async (params) => {
        const text = params.message ?? '';
        if (text.trim() === '') throw new GatewayError('SEND_TEXT_REQUIRED');
        const request: Parameters<ChannelsRuntime['deliver']>[1] = { to: params.to, text };
        if (params.accountId !== undefined) request.accountId = params.accountId;
        if (params.threadId !== undefined) request.threadId = params.threadId;
        if (params.replyToId !== undefined) request.replyToId = params.replyToId;
        if (params.silent !== undefined) request.silent = params.silent;
        const result = await runtime().deliver(params.channel, request);
        if (result.status === 'failed' || result.messageId === undefined) throw new GatewayError('CHANNEL_SEND_FAILED', { channel: result.channel, reason: result.error ?? 'unknown' });
        return { runId: params.idempotencyKey, messageId: result.messageId, channel: result.channel, chatId: result.chatId, ...(result.status === 'partial_failed' ? { partial: true, error: result.error } : {}) };
      },
      { idempotency: { key: (params) => params.idempotencyKey, ttlMs: 300_000, onDuplicate: 'join' } },
    ),
  ];
}
