/**
 * @module channels/telegram/update-handler — one stored update through access checks to the router.
 *
 * Runs as grammY middleware after `sequentialize`, so a chat's updates are admitted in order. An
 * admitted message becomes an InboundMessage (the router merges and runs it); anything else is
 * finished in the store with its reason (`skipped:<why>`), so it is never looked at again. A new
 * pairing request is marked `sending` before its code goes out, so a crash cannot send it twice.
 */
import type { Context } from 'grammy';
import type { Logger } from '../../logging/index.js';
import type { Clock } from '../../time/index.js';
import type { ButtonAnswer, ButtonPress, InboundMessage } from '../channel.js';
import type { DmPairingStore } from '../dm-pairing.js';
import { decideAccess, stripBotMention, type MessageFacts } from './access.js';
import type { TelegramIngressStore } from './ingress-store.js';
import { pairingReplyHtml } from './pairing-messages.js';
import type { TelegramSender } from './sender.js';
import type { TelegramSettings } from './settings.js';

export interface TelegramUpdateHandlerOptions {
  accountId: string;
  settings: TelegramSettings;
  store: TelegramIngressStore;
  pairing: DmPairingStore;
  logger: Logger;
  clock: Clock;
  sender(): TelegramSender | undefined;
  /** getMe's result once known. */
  botInfo(): Record<string, unknown> | undefined;
  inbound(message: InboundMessage): void;
  onAdmitted(atMs: number): void;
  onSkipped(skip: { at: number; reason: string }): void;
  onCallbackQuery?(query: ButtonPress): Promise<ButtonAnswer | undefined>;
}

export class TelegramUpdateHandler {
  readonly #options: TelegramUpdateHandlerOptions;

  constructor(options: TelegramUpdateHandlerOptions) {
    this.#options = options;
  }

  /** Admits (or skips) one update; the middleware after `sequentialize`. */
  async handle(ctx: Context): Promise<void> {
    const updateId = ctx.update.update_id;
    const { store } = this.#options;
    const callback = ctx.update.callback_query;
    if (callback !== undefined) {
      await this.#handleCallback(callback as unknown as Record<string, unknown>);
      store.markDone([updateId], 'callback');
      return;
    }
    const message = ctx.update.message;
    if (message === undefined || typeof message.text !== 'string') {
      store.markDone([updateId], 'skipped:unsupported_update');
      return;
    }
    const facts: MessageFacts = {
      chatId: String(message.chat.id),
      chatType: message.chat.type,
      senderId: String(message.from?.id ?? message.chat.id),
      text: message.text,
      entities: message.entities ?? [],
      isReplyToBot: message.reply_to_message?.from?.id === this.#options.botInfo()?.['id'],
    };
    if (message.message_thread_id !== undefined && message.is_topic_message === true) facts.threadId = String(message.message_thread_id);
    const botUsername = String(this.#options.botInfo()?.['username'] ?? '');
    const decision = decideAccess(this.#options.settings, facts, (senderId) => this.#options.pairing.isAllowed('telegram', this.#options.accountId, senderId), botUsername);
    if (decision.kind === 'drop') return this.#skip(updateId, decision.reason);
    if (decision.kind === 'pairing') return this.#challenge(updateId, facts, message.from);
    const text = facts.chatType === 'private' ? facts.text : stripBotMention(facts.text, botUsername);
    const now = this.#options.clock.now();
    this.#options.onAdmitted(now);
    store.markAdmitted([updateId]);
    const inbound: InboundMessage = {
      channel: 'telegram',
      accountId: this.#options.accountId,
      sender: { id: facts.senderId },
      conversation: { chatId: facts.chatId, kind: facts.chatType === 'private' ? 'direct' : 'group' },
      text,
      messageId: String(message.message_id),
      isCommand: text.startsWith('/'),
      sourceIds: [updateId],
      receivedAtMs: now,
    };
    if (facts.threadId !== undefined) inbound.conversation.threadId = facts.threadId;
    if (message.from?.username !== undefined) inbound.sender.username = message.from.username;
    if (message.from?.first_name !== undefined) inbound.sender.displayName = message.from.first_name;
    this.#options.inbound(inbound);
  }

  #skip(updateId: number, reason: string): void {
    this.#options.onSkipped({ at: this.#options.clock.now(), reason });
    this.#options.logger.info({ channel: 'telegram', updateId }, `telegram: skipped a message: ${reason}`);
    this.#options.store.markDone([updateId], `skipped:${reason}`);
  }

  async #challenge(updateId: number, facts: MessageFacts, from: { username?: string; first_name?: string } | undefined): Promise<void> {
    const meta: Record<string, string> = { accountId: this.#options.accountId };
    if (from?.username !== undefined) meta['username'] = from.username;
    if (from?.first_name !== undefined) meta['firstName'] = from.first_name;
    const challenge = this.#options.pairing.challenge({ channel: 'telegram', accountId: this.#options.accountId, senderId: facts.senderId, meta });
    if (challenge.kind !== 'created') return this.#skip(updateId, challenge.kind === 'limit' ? `pairing: ${facts.senderId} ignored, 3 requests already pending` : `pairing: ${facts.senderId} already has a pending code`);
    this.#options.store.markSending([updateId]);
    this.#options.logger.info({ channel: 'telegram', senderId: facts.senderId }, `telegram: pairing requested by ${facts.senderId}; approve with \`clawgate pairing approve telegram ${challenge.code}\``);
    await this.#options.sender()?.call('sendMessage', { chat_id: facts.chatId, text: pairingReplyHtml(facts.senderId, challenge.code), parse_mode: 'HTML' }, false);
    this.#options.store.markDone([updateId], 'skipped:pairing_challenge');
  }

  async #handleCallback(query: Record<string, unknown>): Promise<void> {
    const id = String(query['id'] ?? '');
    const from = query['from'] as { id?: number } | undefined;
    const message = query['message'] as { message_id?: number; chat?: { id?: number }; text?: string } | undefined;
    const press: ButtonPress = { fromId: String(from?.id ?? ''), chatId: String(message?.chat?.id ?? ''), data: String(query['data'] ?? ''), messageId: Number(message?.message_id ?? 0) };
    if (typeof message?.text === 'string') press.promptText = message.text;
    let answer: ButtonAnswer | undefined;
    try {
      answer = await this.#options.onCallbackQuery?.(press);
    } catch (error) {
      answer = { toast: error instanceof Error ? error.message.slice(0, 190) : 'failed' };
    }
    const sender = this.#options.sender();
    await sender?.call('answerCallbackQuery', { callback_query_id: id, ...(answer?.toast === undefined ? {} : { text: answer.toast }) }, true);
    if (answer?.closingLine !== undefined && press.messageId > 0) {
      // An edit without reply_markup removes the buttons: a decided prompt cannot be tapped again.
      await sender?.call('editMessageText', { chat_id: press.chatId, message_id: press.messageId, text: `${press.promptText ?? ''}\n\n${answer.closingLine}`.trim() }, true);
    }
  }

}

/** Per chat/topic lane for `sequentialize` (A1). */
export function laneKey(ctx: Context): string | undefined {
  const chatId = ctx.chat?.id;
  if (chatId === undefined) return undefined;
  const thread = ctx.msg?.message_thread_id;
  return thread === undefined ? String(chatId) : `${chatId}:${thread}`;
}
