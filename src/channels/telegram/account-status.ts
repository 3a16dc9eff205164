/**
 * @module channels/telegram/account-status — what one Telegram account has been doing, for
 * `channels.status` (OpenClaw's A13 account snapshot), the getMe probe, and status issues.
 *
 * The channel reports transport events here (a poll completed, a send failed, the poll stalled);
 * this module owns how they read in the snapshot, so the channel keeps only the wiring.
 */
import type { Clock } from '../../time/index.js';
import type { ChannelAccountSnapshot, ChannelStatusIssue } from '../channel.js';
import { emptySnapshot } from '../supervisor.js';
import { classifyTelegramError, describeTelegramFailure, type GrammyRuntime, type TelegramFailure } from './bot-api.js';
import type { TelegramIngressStore } from './ingress-store.js';
import type { TelegramSettings } from './settings.js';

/** Errors that a completed poll proves are over (a conflict, a stall, a network or server failure). */
const TRANSIENT_ERROR = /409|poll stalled|Cannot reach|server error|timed out/;

export class TelegramAccountStatus {
  connected = false;
  lastError: string | null = null;
  #lastConnectedAt: number | null = null;
  #lastEventAt: number | null = null;
  #lastTransportActivityAt: number | null = null;
  #lastInboundAt: number | null = null;
  #lastOutboundAt: number | null = null;
  #lastSkip: { at: number; reason: string } | null = null;
  #lastReply: { at: number; outcome: string; messages: number } | null = null;
  #pollStalls = 0;
  #conflicts = 0;
  #rateLimited = 0;
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** A getUpdates returned: connected, and transient errors are over. */
  connectedNow(): void {
    const now = this.#clock.now();
    this.connected = true;
    this.#lastConnectedAt = now;
    this.#lastEventAt = now;
    this.#lastTransportActivityAt = now;
    if (this.lastError !== null && TRANSIENT_ERROR.test(this.lastError)) this.lastError = null;
  }

  /** A webhook request arrived. */
  transportActivity(): void {
    const now = this.#clock.now();
    this.#lastEventAt = now;
    this.#lastTransportActivityAt = now;
  }

  inbound(atMs: number): void {
    this.#lastInboundAt = atMs;
  }

  skipped(skip: { at: number; reason: string }): void {
    this.#lastSkip = skip;
  }

  replied(outcome: string, messages: number): void {
    this.#lastReply = { at: this.#clock.now(), outcome, messages };
  }

  delivered(): void {
    this.#lastOutboundAt = this.#clock.now();
  }

  /** The webhook listener is up (Telegram pushes; there is no poll to complete). */
  webhookListening(): void {
    this.connected = true;
    this.#lastConnectedAt = this.#clock.now();
  }

  /** A getUpdates failed; a rate limit slows the poll but does not disconnect the account. */
  pollFailed(message: string | null, failure: TelegramFailure | undefined): void {
    this.lastError = message;
    if (failure?.kind === 'conflict') this.#conflicts += 1;
    if (failure?.kind === 'rate_limited') this.#rateLimited += 1;
    if (failure !== undefined && failure.kind !== 'rate_limited') this.connected = false;
  }

  /** A send failed (after the sender's own retries). */
  sendFailed(message: string, failure: TelegramFailure): void {
    if (failure.kind === 'rate_limited') this.#rateLimited += 1;
    this.lastError = message;
  }

  /** No getUpdates completed for `sinceMs`; returns the message to log. */
  stalled(sinceMs: number): string {
    this.#pollStalls += 1;
    this.connected = false;
    this.lastError = `Telegram long poll stalled: no getUpdates completed for ${Math.round(sinceMs / 1000)} s; restarting the poll.`;
    return this.lastError;
  }

  blocked(message: string): void {
    this.lastError = message;
    this.connected = false;
  }

  /** The A13 account snapshot. */
  snapshot(account: { accountId: string; settings: TelegramSettings; store: TelegramIngressStore; running: boolean; webhookPort: number | null; botInfo: Record<string, unknown> | undefined }): ChannelAccountSnapshot {
    const { settings, running, botInfo } = account;
    const counts = account.store.counts();
    return {
      ...emptySnapshot(account.accountId),
      enabled: settings.enabled,
      configured: true,
      running,
      connected: running && this.connected,
      lifecycle: running ? (this.connected ? 'ready' : 'recovering') : 'stopped',
      mode: settings.webhook === undefined ? 'polling' : 'webhook',
      lastError: this.lastError,
      lastConnectedAt: this.#lastConnectedAt,
      lastEventAt: this.#lastEventAt,
      lastTransportActivityAt: this.#lastTransportActivityAt,
      lastInboundAt: this.#lastInboundAt,
      lastOutboundAt: this.#lastOutboundAt,
      tokenSource: settings.tokenSource,
      tokenStatus: 'available',
      dmPolicy: settings.dmPolicy,
      allowFrom: [...settings.allowFrom],
      allowUnmentionedGroups: [...settings.groups.values()].some((group) => !group.requireMention),
      streamingMode: settings.streamingMode,
      ingress: { queued: counts.queued, admitted: counts.admitted, sending: counts.sending },
      pollStalls: this.#pollStalls,
      conflicts: this.#conflicts,
      rateLimited: this.#rateLimited,
      lastSkip: this.#lastSkip,
      lastReply: this.#lastReply,
      ...(settings.webhook === undefined ? {} : { webhookUrl: settings.webhook.url, webhookPath: settings.webhook.path, port: account.webhookPort }),
      ...(botInfo === undefined ? {} : { bot: { id: botInfo['id'], username: botInfo['username'] } }),
    };
  }
}

/** `channels.status {probe:true}`: a live getMe (and getWebhookInfo in webhook mode) within `timeoutMs`. */
export async function probeTelegramBot(runtime: GrammyRuntime, settings: TelegramSettings, clock: Clock, timeoutMs: number): Promise<Record<string, unknown>> {
  const started = clock.now();
  try {
    const me = (await runtime.bot.api.getMe(AbortSignal.timeout(timeoutMs) as never)) as unknown as Record<string, unknown>;
    const probe: Record<string, unknown> = { ok: true, status: null, error: null, elapsedMs: clock.now() - started, botInfo: me, bot: botSummary(me) };
    if (settings.webhook !== undefined) {
      const info = (await runtime.bot.api.getWebhookInfo(AbortSignal.timeout(timeoutMs) as never)) as unknown as { url: string; has_custom_certificate: boolean };
      probe['webhook'] = { url: info.url, hasCustomCert: info.has_custom_certificate };
    }
    return probe;
  } catch (error) {
    const failure = classifyTelegramError(error);
    return { ok: false, status: failure.status || null, error: describeTelegramFailure(failure), elapsedMs: clock.now() - started };
  }
}

/**
 * Status issues: a group allowing unmentioned messages while the bot's privacy mode is on (only when
 * getMe says so: OpenClaw's config-only check could not be silenced, #17405).
 */
export function telegramStatusIssues(accountId: string, settings: TelegramSettings, botInfo: Record<string, unknown> | undefined): ChannelStatusIssue[] {
  const canReadAll = botInfo?.['can_read_all_group_messages'] === true;
  if (canReadAll || ![...settings.groups.values()].some((group) => !group.requireMention)) return [];
  return [
    {
      channel: 'telegram',
      accountId,
      kind: 'intent',
      message: 'A group allows unmentioned messages, but the bot has privacy mode on, so Telegram never delivers them.',
      fix: 'In @BotFather: /setprivacy → Disable, then remove and re-add the bot to the group.',
    },
  ];
}

function botSummary(me: Record<string, unknown>): Record<string, unknown> {
  return {
    id: me['id'],
    isBot: me['is_bot'],
    firstName: me['first_name'],
    username: me['username'],
    canJoinGroups: me['can_join_groups'],
    canReadAllGroupMessages: me['can_read_all_group_messages'],
    supportsInlineQueries: me['supports_inline_queries'],
    hasTopicsEnabled: me['has_topics_enabled'] ?? false,
  };
}
