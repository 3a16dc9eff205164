/**
 * @module channels/runtime — the channels of one running gateway, built from config at start.
 *
 * It owns the DM pairing store, the inbound router (merge window → agent), the channel manager
 * (supervision, status) and the command-owner list. Telegram is created only when
 * `channels.telegram` is configured, and only then is grammY loaded.
 */
import type { FeatureContext } from '../gateway/index.js';
import { GatewayError } from '../protocol/index.js';
import type { AgentPort } from './agent-port.js';
import type { ButtonAnswer, ButtonPress, ChannelApprovalDecision, ChannelPlugin, OutboundRequest, ReplySink, SendResult } from './channel.js';
import { DmPairingStore, PAIRING_MAX_PENDING_PER_ACCOUNT, PAIRING_TTL_MS, type PairingRequestRecord } from './dm-pairing.js';
import { InboundRouter } from './inbound-router.js';
import { ChannelManager, type ChannelDescriptor } from './manager.js';
import { sessionKeyFor, type DmScope } from './session-routing.js';

/** Channels this gateway knows how to run, shown as `configured:false` until configured. */
export const KNOWN_CHANNELS: readonly ChannelDescriptor[] = [{ id: 'telegram', label: 'Telegram', detailLabel: 'Telegram Bot', systemImage: 'paperplane' }];

const NO_AGENT_TEXT = 'This gateway has no agent running, so nobody can answer yet.';
/** Telegram's limit on `callback_data`, in bytes: `xa:<uuid>:allow-always` is 52. */
const MAX_CALLBACK_DATA_BYTES = 64;
const APPROVAL_BUTTON = /^xa:([^:]+):(allow-once|allow-always|deny)$/;
const DECIDED: Record<ChannelApprovalDecision, ButtonAnswer> = {
  'allow-once': { toast: 'Allowed once.', closingLine: '✅ Allowed once.' },
  'allow-always': { toast: 'Always allowed: this exact command on this node runs without asking.', closingLine: '♾ Always allowed (exact command, this node). Revoke: clawgate exec-approvals forget.' },
  deny: { toast: 'Denied.', closingLine: '❌ Denied.' },
};

export interface ChannelsRuntimeOptions {
  /** How turns reach the agent (the composition root passes the agent feature's adapter). */
  agent?: (ctx: FeatureContext) => AgentPort | undefined;
  env?: NodeJS.ProcessEnv;
  /** Telegram per-chat throttle spacing (tests shorten it). */
  telegramPerChatMinMs?: number;
  /** The command-owner list changed (first pairing approval). */
  onOwnersChanged?: () => void;
  /** Inline-button presses (exec approvals), given the runtime. */
  onCallbackQuery?: (runtime: ChannelsRuntime, query: ButtonPress) => Promise<ButtonAnswer | undefined>;
}

export interface ApprovePairingInput {
  channel: string;
  accountId?: string | undefined;
  requestId?: string | undefined;
  code?: string | undefined;
  notify?: boolean | undefined;
  bootstrapCommandOwner?: boolean | undefined;
}

export class ChannelsRuntime {
  readonly manager: ChannelManager;
  readonly pairing: DmPairingStore;
  readonly router: InboundRouter;
  readonly #ctx: FeatureContext;
  readonly #options: ChannelsRuntimeOptions;

  private constructor(ctx: FeatureContext, options: ChannelsRuntimeOptions, manager: ChannelManager, pairing: DmPairingStore, router: InboundRouter) {
    this.#ctx = ctx;
    this.#options = options;
    this.manager = manager;
    this.pairing = pairing;
    this.router = router;
  }

  /** Builds the runtime; Telegram's module (and grammY) is imported only when it is configured. */
  static async create(ctx: FeatureContext, options: ChannelsRuntimeOptions): Promise<ChannelsRuntime> {
    const env = options.env ?? process.env;
    const config = ctx.config.config;
    const pairing = new DmPairingStore(ctx.store.database, { now: () => ctx.clock.now() });
    const agent = options.agent?.(ctx) ?? { runTurn: async () => ({ status: 'error' as const, text: NO_AGENT_TEXT }) };
    const dmScope: DmScope = config.session?.dmScope ?? 'main';
    const plugins: ChannelPlugin[] = [];
    let runtime: ChannelsRuntime | undefined;
    const telegramConfig = config.channels?.telegram;
    const { isTelegramConfigured } = await import('./telegram/settings.js');
    if (isTelegramConfigured(telegramConfig, env) && telegramConfig !== undefined) {
      const telegram = await import('./telegram/index.js');
      const settings = telegram.resolveTelegramSettings(telegramConfig, env);
      // Never in a log line, a status or a `logs.tail` (the logger scrubs registered secrets).
      ctx.secrets.add(settings.token);
      if (settings.webhook !== undefined) ctx.secrets.add(settings.webhook.secret);
      const channelOptions: ConstructorParameters<typeof telegram.TelegramChannel>[0] = {
        settings,
        store: new telegram.TelegramIngressStore(ctx.store.database, settings.accountId, () => ctx.clock.now()),
        pairing,
        logger: ctx.logger,
        clock: ctx.clock,
        onCallbackQuery: async (query) => (runtime === undefined || options.onCallbackQuery === undefined ? undefined : options.onCallbackQuery(runtime, query)),
      };
      if (options.telegramPerChatMinMs !== undefined) channelOptions.perChatMinMs = options.telegramPerChatMinMs;
      plugins.push(new telegram.TelegramChannel(channelOptions));
    }
    const router: InboundRouter = new InboundRouter({
      clock: ctx.clock,
      agent,
      sessionKeyOf: (message) => sessionKeyFor({ agentId: 'main', dmScope }, message),
      openReply: (batch): ReplySink => {
        const first = batch[0]!;
        const plugin: ChannelPlugin | undefined = manager.plugin(first.channel, first.accountId);
        if (plugin === undefined) throw new GatewayError('CHANNEL_UNSUPPORTED', { channel: first.channel });
        return plugin.openReply(batch);
      },
      isOwner: (message) => runtime?.isOwner(message.channel, message.sender.id) ?? false,
      onTurnError: (error) => ctx.logger.error({ error: error instanceof Error ? error.message : String(error) }, 'channels: a turn failed'),
    });
    const manager: ChannelManager = new ChannelManager({ clock: ctx.clock, logger: ctx.logger, router, plugins, unconfigured: KNOWN_CHANNELS });
    runtime = new ChannelsRuntime(ctx, options, manager, pairing, router);
    return runtime;
  }

  /** `commands.ownerAllowFrom` plus the owner recorded by the first pairing approval. */
  owners(): Set<string> {
    return new Set([...(this.#ctx.config.config.commands?.ownerAllowFrom ?? []), ...this.pairing.commandOwners()]);
  }

  isOwner(channel: string, senderId: string): boolean {
    const owners = this.owners();
    return owners.has(`${channel}:${senderId}`) || (channel === 'telegram' && owners.has(`tg:${senderId}`));
  }

  /** Delivers through a channel: the `send` RPC and `agent {deliver}`. */
  async deliver(channel: string | undefined, request: OutboundRequest): Promise<SendResult> {
    const configured = this.manager.configuredChannels();
    const fromTarget = /^(telegram|tg):/i.test(request.to) ? 'telegram' : undefined;
    const chosen = channel ?? fromTarget ?? (configured.length === 1 ? configured[0] : undefined);
    if (chosen === undefined) throw new GatewayError('CHANNEL_REQUIRED');
    const result = await this.manager.send(chosen, request);
    if (result === undefined) throw new GatewayError('CHANNEL_UNSUPPORTED', { channel: chosen });
    return result;
  }

  /** Approves a pairing request by request id or code; optionally tells the sender and bootstraps the owner. */
  async approvePairing(input: ApprovePairingInput, canBootstrapOwner: boolean): Promise<{ request: PairingRequestRecord; notification: 'not-requested' | 'sent' | 'failed' | 'unsupported'; commandOwnerBootstrap: 'not-requested' | 'configured' | 'already-configured' | 'unavailable'; commandOwner?: string }> {
    const request =
      input.requestId !== undefined ? this.pairing.approveById(input.requestId) : input.code !== undefined ? this.pairing.approveByCode(input.channel, input.code, input.accountId) : undefined;
    if (request === undefined || request.channel !== input.channel) {
      throw new GatewayError('CHANNEL_PAIRING_NOT_FOUND', { channel: input.channel, what: input.code !== undefined ? `code ${input.code}` : `request ${input.requestId ?? '(none given)'}` });
    }
    this.#ctx.logger.info({ channel: request.channel, senderId: request.senderId }, `channels: ${request.channel} sender ${request.senderId} approved`);
    let commandOwnerBootstrap: 'not-requested' | 'configured' | 'already-configured' | 'unavailable' = 'not-requested';
    let commandOwner: string | undefined;
    if (input.bootstrapCommandOwner === true) {
      const owner = `${request.channel}:${request.senderId}`;
      if (!canBootstrapOwner) commandOwnerBootstrap = 'unavailable';
      else if (this.owners().size > 0) commandOwnerBootstrap = 'already-configured';
      else {
        commandOwnerBootstrap = this.pairing.bootstrapCommandOwner(owner) ? 'configured' : 'already-configured';
        if (commandOwnerBootstrap === 'configured') {
          commandOwner = owner;
          this.#options.onOwnersChanged?.();
        }
      }
    }
    let notification: 'not-requested' | 'sent' | 'failed' | 'unsupported' = 'not-requested';
    if (input.notify === true) {
      const { PAIRING_APPROVED_MESSAGE } = await import('./telegram/pairing-messages.js');
      const plugin = this.manager.plugin(request.channel, request.accountId);
      if (plugin === undefined) notification = 'unsupported';
      else notification = (await plugin.send({ to: request.senderId, text: PAIRING_APPROVED_MESSAGE })).status === 'sent' ? 'sent' : 'failed';
    }
    return { request, notification, commandOwnerBootstrap, ...(commandOwner === undefined ? {} : { commandOwner }) };
  }

  /**
   * Shows an exec approval request to every channel owner (`commands.ownerAllowFrom`) with
   * allow-once / always-allow (when offered) / deny buttons; returns how many owners it reached.
   */
  async promptApproval(prompt: { id: string; command: string; nodeId: string; canAllowAlways?: boolean }): Promise<number> {
    const buttons = [
      { label: '✅ Allow once', data: `xa:${prompt.id}:allow-once` },
      ...(prompt.canAllowAlways === true ? [{ label: '♾ Always allow', data: `xa:${prompt.id}:allow-always` }] : []),
      { label: '❌ Deny', data: `xa:${prompt.id}:deny` },
    ].filter((button) => Buffer.byteLength(button.data) <= MAX_CALLBACK_DATA_BYTES);
    let reached = 0;
    for (const owner of this.owners()) {
      const [channel = '', senderId = ''] = owner.replace(/^tg:/, 'telegram:').split(':');
      const plugin = this.manager.plugin(channel);
      if (plugin?.sendPrompt === undefined || senderId === '') continue;
      const { escapeHtml } = await import('./telegram/format.js');
      const html = `🔐 <b>Approval needed</b>\nThe agent wants to run on node <code>${escapeHtml(prompt.nodeId)}</code>:\n<pre><code>${escapeHtml(prompt.command)}</code></pre>`;
      const sent = await plugin.sendPrompt(senderId, html, buttons);
      if (sent) reached += 1;
    }
    return reached;
  }

  /** An approval button press: only an owner may decide; returns the toast text. */
  async decideApprovalButton(query: ButtonPress, channel: string, resolve: (id: string, decision: ChannelApprovalDecision, resolvedBy: string) => Promise<boolean>): Promise<ButtonAnswer | undefined> {
    const match = APPROVAL_BUTTON.exec(query.data);
    if (match === null) return undefined;
    if (!this.isOwner(channel, query.fromId)) return { toast: 'Only the owner can decide approvals.' };
    const decision = match[2] as ChannelApprovalDecision;
    const ok = await resolve(match[1]!, decision, `${channel}:${query.fromId}`);
    if (!ok) return { toast: 'This request is no longer pending.', closingLine: '⌛ No longer pending.' };
    return DECIDED[decision];
  }

  /** The `channels.pairing.list` result. */
  listPairing(filter: { channel?: string | undefined; accountId?: string | undefined }): Record<string, unknown> {
    const labels = new Map(KNOWN_CHANNELS.map((channel) => [channel.id, channel.label]));
    const requests = this.pairing.list({ ...(filter.channel === undefined ? {} : { channel: filter.channel }), ...(filter.accountId === undefined ? {} : { accountId: filter.accountId }) });
    return {
      accounts: this.manager.configuredChannels().map((channel) => ({ channel, channelLabel: labels.get(channel) ?? channel, accountId: 'default', notifySupported: true })),
      requests: requests.map((request) => ({
        requestId: request.requestId,
        channel: request.channel,
        channelLabel: labels.get(request.channel) ?? request.channel,
        accountId: request.accountId,
        senderId: request.senderId,
        ...(request.meta['username'] === undefined ? {} : { senderLabel: `@${request.meta['username']}` }),
        metadata: request.meta,
        createdAt: request.createdAt,
        lastSeenAt: request.lastSeenAt,
        expiresAt: request.expiresAt,
        notifySupported: true,
        code: request.code,
      })),
      commandOwnerConfigured: this.owners().size > 0,
      limits: { pendingPerAccount: PAIRING_MAX_PENDING_PER_ACCOUNT, ttlMs: PAIRING_TTL_MS },
    };
  }
}
