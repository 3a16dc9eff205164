/**
 * @module channels/telegram/telegram-channel — one Telegram bot account as a ChannelPlugin.
 *
 * Start-up follows OpenClaw's observed order (A4/A6): getMe (401/404 blocks the account),
 * deleteWebhook (polling) or setWebhook (webhook), command menus, then ingress. Updates come out of
 * the durable store (ingress-store.ts) and go through grammY with the runner's `sequentialize`, so
 * each chat/topic is admitted in order while chats run in parallel; then access checks, pairing,
 * and the inbound router. Status (the A13 account snapshot) is account-status.ts.
 */
import type { Bot, Context } from 'grammy';
import type { Logger } from '../../logging/index.js';
import type { Clock } from '../../time/index.js';
import type { ButtonAnswer, ButtonPress, ChannelAccountSnapshot, ChannelPlugin, ChannelRunContext, ChannelStatusIssue, InboundMessage, OutboundRequest, ReplySink, SendResult } from '../channel.js';
import type { DmPairingStore } from '../dm-pairing.js';
import { probeTelegramBot, TelegramAccountStatus, telegramStatusIssues } from './account-status.js';
import { classifyTelegramError, createGrammyRuntime, describeTelegramFailure, type GrammyRuntime, type TelegramFailure } from './bot-api.js';
import type { StoredUpdate, TelegramIngressStore } from './ingress-store.js';
import { TelegramPoller } from './poller.js';
import { TelegramReplySink } from './reply-sink.js';
import { TelegramSender } from './sender.js';
import { laneKey, TelegramUpdateHandler, type TelegramUpdateHandlerOptions } from './update-handler.js';
import type { TelegramSettings } from './settings.js';
import { parseTelegramTarget } from './targets.js';
import { startWebhookListener, type WebhookListener } from './webhook.js';

/** Consecutive 401s from sends/typing that block the account (one 401 from getMe/getUpdates is enough). */
const UNAUTHORIZED_LIMIT = 3;

export interface BotCommandSpec {
  command: string;
  description: string;
}

/** Built-in commands of the embedded default agent, registered with setMyCommands. */
export const DEFAULT_BOT_COMMANDS: readonly BotCommandSpec[] = [
  { command: 'help', description: 'What I can do' },
  { command: 'status', description: 'Gateway and agent status' },
  { command: 'nodes', description: 'Connected nodes' },
  { command: 'run', description: 'Run a command on a node: /run <node> <command>' },
  { command: 'new', description: 'Start a new conversation' },
  { command: 'stop', description: 'Stop the running answer' },
];

export interface TelegramChannelOptions {
  settings: TelegramSettings;
  store: TelegramIngressStore;
  pairing: DmPairingStore;
  logger: Logger;
  clock: Clock;
  commands?: readonly BotCommandSpec[];
  /** Per-chat throttle spacing (default 1000 ms; tests shorten it). */
  perChatMinMs?: number;
  /** Inline-button presses (`callback_query`) the channel does not handle itself; returns the toast text. */
  onCallbackQuery?(query: ButtonPress): Promise<ButtonAnswer | undefined>;
}

export class TelegramChannel implements ChannelPlugin {
  readonly id = 'telegram';
  readonly label = 'Telegram';
  readonly detailLabel = 'Telegram Bot';
  readonly systemImage = 'paperplane';
  readonly accountId: string;
  readonly #options: TelegramChannelOptions;
  #runtime: GrammyRuntime | undefined;
  #sender: TelegramSender | undefined;
  #poller: TelegramPoller | undefined;
  #webhook: WebhookListener | undefined;
  #ctx: ChannelRunContext | undefined;
  #botInfo: Record<string, unknown> | undefined;
  #running = false;
  #unauthorizedStreak = 0;
  #pending = new Set<Promise<void>>();
  readonly #updates: TelegramUpdateHandler;
  readonly #status: TelegramAccountStatus;

  constructor(options: TelegramChannelOptions) {
    this.#options = options;
    this.accountId = options.settings.accountId;
    this.#status = new TelegramAccountStatus(options.clock);
    const handlerOptions: TelegramUpdateHandlerOptions = {
      accountId: this.accountId,
      settings: options.settings,
      store: options.store,
      pairing: options.pairing,
      logger: options.logger,
      clock: options.clock,
      sender: () => this.#sender,
      botInfo: () => this.#botInfo,
      inbound: (message) => this.#ctx?.inbound(message),
      onAdmitted: (atMs) => this.#status.inbound(atMs),
      onSkipped: (skip) => this.#status.skipped(skip),
    };
    if (options.onCallbackQuery !== undefined) handlerOptions.onCallbackQuery = options.onCallbackQuery;
    this.#updates = new TelegramUpdateHandler(handlerOptions);
  }

  async start(ctx: ChannelRunContext): Promise<void> {
    this.#ctx = ctx;
    const { settings, logger } = this.#options;
    this.#runtime ??= await createGrammyRuntime({ token: settings.token, apiRoot: settings.apiRoot, ...(this.#options.perChatMinMs === undefined ? {} : { perChatMinMs: this.#options.perChatMinMs }) });
    const { bot } = this.#runtime;
    this.#sender = new TelegramSender({ api: bot.api, clock: ctx.clock, chunkLimit: settings.textChunkLimit, hooks: this.#senderHooks() });
    this.#unauthorizedStreak = 0;
    await this.#identify(bot);
    this.#installHandlers(bot);
    const { requeued, interrupted } = this.#options.store.recover();
    if (interrupted > 0) logger.warn({ channel: 'telegram', interrupted }, `telegram: ${interrupted} update(s) were mid-reply at the last stop; not sending them again`);
    if (settings.webhook === undefined) await this.#startPolling(bot);
    else await this.#startWebhook(bot);
    this.#running = true;
    this.#options.store.prune();
    this.#dispatch(requeued);
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#status.connected = false;
    const poller = this.#poller;
    const webhook = this.#webhook;
    this.#poller = undefined;
    this.#webhook = undefined;
    await poller?.stop();
    await webhook?.close();
    // Admission of updates already taken from the store finishes (it is quick; turns run elsewhere).
    await Promise.allSettled([...this.#pending]);
  }

  openReply(batch: readonly InboundMessage[]): ReplySink {
    const first = batch[0];
    const sender = this.#sender;
    const ctx = this.#ctx;
    if (first === undefined || sender === undefined || ctx === undefined) throw new Error('telegram channel is not running');
    const ids = batch.flatMap((message) => message.sourceIds);
    const { settings, store } = this.#options;
    const target: { chatId: string; threadId?: string; replyToMessageId?: number; replyToAll?: boolean } = { chatId: first.conversation.chatId };
    if (first.conversation.threadId !== undefined) target.threadId = first.conversation.threadId;
    const last = batch.at(-1);
    if (settings.replyToMode !== 'off' && last?.messageId !== undefined) {
      target.replyToMessageId = Number(last.messageId);
      target.replyToAll = settings.replyToMode === 'all';
    }
    return new TelegramReplySink({
      sender,
      clock: ctx.clock,
      target,
      mode: settings.streamingMode,
      chunkLimit: settings.textChunkLimit,
      signal: ctx.signal,
      markSending: () => store.markSending(ids),
      markDone: (outcome, messages) => {
        store.markDone(ids, outcome);
        this.#status.replied(outcome, messages);
      },
    });
  }

  async send(request: OutboundRequest): Promise<SendResult> {
    const target = parseTelegramTarget(request.to);
    const sender = this.#sender;
    if (sender === undefined || !this.#running) return { status: 'failed', channel: 'telegram', chatId: target.chatId, messageIds: [], error: 'the Telegram channel is not running', reason: 'channel_not_running' };
    const textTarget: { chatId: string; threadId?: string; silent?: boolean; replyToMessageId?: number } = { chatId: target.chatId };
    const threadId = request.threadId ?? target.threadId;
    if (threadId !== undefined) textTarget.threadId = threadId;
    if (request.silent === true) textTarget.silent = true;
    if (request.replyToId !== undefined && /^\d+$/.test(request.replyToId)) textTarget.replyToMessageId = Number(request.replyToId);
    return sender.sendText(textTarget, request.text);
  }

  /** Sends HTML with one row of inline buttons (approval prompts); false when it failed. */
  async sendPrompt(to: string, html: string, choices: readonly { label: string; data: string }[]): Promise<boolean> {
    const target = parseTelegramTarget(to);
    const keyboard = [choices.map((choice) => ({ text: choice.label, callback_data: choice.data }))];
    const outcome = await this.#sender?.call('sendMessage', { chat_id: target.chatId, text: html, parse_mode: 'HTML', reply_markup: { inline_keyboard: keyboard } }, false);
    return outcome?.ok === true;
  }

  snapshot(): ChannelAccountSnapshot {
    const { settings, store } = this.#options;
    return this.#status.snapshot({ accountId: this.accountId, settings, store, running: this.#running, webhookPort: this.#webhook?.port ?? null, botInfo: this.#botInfo });
  }

  async probe(timeoutMs: number): Promise<Record<string, unknown>> {
    const { settings, clock } = this.#options;
    const runtime = this.#runtime ?? (await createGrammyRuntime({ token: settings.token, apiRoot: settings.apiRoot }));
    return probeTelegramBot(runtime, settings, clock, timeoutMs);
  }

  issues(): ChannelStatusIssue[] {
    return telegramStatusIssues(this.accountId, this.#options.settings, this.#botInfo);
  }

  async #identify(bot: Bot): Promise<void> {
    try {
      const me = (await bot.api.getMe(AbortSignal.timeout(15_000) as never)) as unknown as Record<string, unknown>;
      this.#botInfo = me;
      bot.botInfo = me as never;
    } catch (error) {
      const failure = classifyTelegramError(error);
      if (failure.kind === 'unauthorized' || failure.status === 404) {
        const message = describeTelegramFailure({ ...failure, kind: 'unauthorized' });
        this.#status.lastError = message;
        this.#ctx?.blocked(message);
      } else {
        this.#status.lastError = describeTelegramFailure(failure);
      }
      throw error;
    }
  }

  async #registerCommands(bot: Bot): Promise<void> {
    const commands = [...(this.#options.commands ?? DEFAULT_BOT_COMMANDS)];
    try {
      await bot.api.deleteMyCommands();
      await bot.api.deleteMyCommands({ scope: { type: 'all_group_chats' } });
      await bot.api.setMyCommands(commands);
      await bot.api.setMyCommands(commands, { scope: { type: 'all_group_chats' } });
    } catch (error) {
      // A command menu is a convenience: never a reason not to answer messages.
      this.#options.logger.warn({ channel: 'telegram', error: describeTelegramFailure(classifyTelegramError(error)) }, 'telegram: could not register the command menu');
    }
  }

  async #startPolling(bot: Bot): Promise<void> {
    try {
      await bot.api.deleteWebhook({ drop_pending_updates: false });
    } catch (error) {
      const failure = classifyTelegramError(error);
      if (failure.kind === 'unauthorized') throw error;
      // Transient: polling clears it again on a 409 (A4).
    }
    await this.#registerCommands(bot);
    const poller = new TelegramPoller({
      api: bot.api,
      store: this.#options.store,
      clock: this.#options.clock,
      hooks: {
        onUpdates: (updates) => this.#dispatch(updates),
        onPollCompleted: () => this.#status.connectedNow(),
        onProblem: (message, failure) => this.#onPollProblem(message, failure),
        onUnauthorized: (message) => this.#block(message),
        onStall: (sinceMs) => this.#options.logger.warn({ channel: 'telegram', sinceMs }, this.#status.stalled(sinceMs)),
      },
    });
    this.#poller = poller;
    poller.start();
  }

  async #startWebhook(bot: Bot): Promise<void> {
    const webhook = this.#options.settings.webhook!;
    try {
      await bot.api.deleteMyCommands();
    } catch {
      // Best effort, as in polling mode.
    }
    await bot.api.setWebhook(webhook.url, { secret_token: webhook.secret, allowed_updates: ['message', 'edited_message', 'channel_post', 'callback_query', 'my_chat_member', 'message_reaction'] });
    await this.#registerCommands(bot);
    this.#webhook = await startWebhookListener({
      settings: webhook,
      store: this.#options.store,
      onUpdates: (updates) => this.#dispatch(updates),
      onRequest: () => this.#status.transportActivity(),
    });
    this.#status.webhookListening();
    this.#options.logger.info({ channel: 'telegram', port: this.#webhook.port, path: webhook.path }, `telegram: webhook local listener on http://${webhook.host}:${this.#webhook.port}${webhook.path}`);
  }

  #onPollProblem(message: string | null, failure: TelegramFailure | undefined): void {
    this.#status.pollFailed(message, failure);
    if (message !== null) this.#options.logger.warn({ channel: 'telegram', kind: failure?.kind }, message);
  }

  #block(message: string): void {
    this.#status.blocked(message);
    this.#ctx?.blocked(message);
  }

  #senderHooks(): ConstructorParameters<typeof TelegramSender>[0]['hooks'] {
    return {
      onDelivered: () => {
        this.#unauthorizedStreak = 0;
        this.#status.delivered();
      },
      onFailure: (failure, message) => {
        this.#status.sendFailed(message, failure);
        this.#options.logger.warn({ channel: 'telegram', kind: failure.kind, status: failure.status }, message);
      },
      onUnauthorized: (failure) => {
        this.#unauthorizedStreak += 1;
        if (this.#unauthorizedStreak >= UNAUTHORIZED_LIMIT) this.#block(describeTelegramFailure(failure));
      },
    };
  }

  #installHandlers(bot: Bot): void {
    if (this.#handlersInstalled) return;
    this.#handlersInstalled = true;
    const { sequentialize } = this.#runtime!;
    bot.use(sequentialize((ctx: Context) => laneKey(ctx)));
    bot.use(async (ctx: Context) => this.#updates.handle(ctx));
    bot.catch((error) => this.#options.logger.error({ channel: 'telegram', error: error.message }, 'telegram: update handler failed'));
  }

  #handlersInstalled = false;

  #dispatch(updates: readonly StoredUpdate[]): void {
    const bot = this.#runtime?.bot;
    if (bot === undefined) return;
    for (const update of updates) {
      const task = bot
        .handleUpdate(update.payload as never)
        .catch((error: unknown) => {
          this.#options.logger.error({ channel: 'telegram', updateId: update.updateId, error: error instanceof Error ? error.message : String(error) }, 'telegram: update failed');
          this.#options.store.markDone([update.updateId], 'failed:handler_error');
        })
        .finally(() => this.#pending.delete(task));
      this.#pending.add(task);
    }
  }
}
