/**
 * @module channels/telegram/sender — outbound Bot API calls with Telegram's retry rules.
 *
 * A `sendMessage` is retried only when Telegram provably did not act on it: a 429 (after the
 * `retry_after` it asked for, capped at 60 s) or a connection that never opened. A 5xx, a timeout or
 * a reset connection may have delivered the message, so it is reported, never repeated (A12). A
 * parse error is retried once as plain text. Edits and chat actions are harmless to repeat. Every
 * outcome feeds the account status (lastOutboundAt, lastError) through `TelegramSenderHooks`.
 */
import type { Api } from 'grammy';
import type { Clock } from '../../time/index.js';
import type { SendResult } from '../channel.js';
import { chunkText } from '../chunking.js';
import { classifyTelegramError, describeTelegramFailure, type TelegramFailure } from './bot-api.js';
import { htmlToPlainText, markdownToTelegramHtml } from './format.js';

const MAX_ATTEMPTS = 4;
const MAX_RETRY_AFTER_MS = 60_000;
const NETWORK_RETRY_BASE_MS = 400;
/** Telegram's hard limit; chunks are 4000 to leave room for markup (A10). */
const TELEGRAM_MAX_MESSAGE_CHARS = 4096;

export interface TelegramSenderHooks {
  /** A call succeeded (status: lastOutboundAt). */
  onDelivered(): void;
  /** A call failed in a way the operator should see (status: lastError). */
  onFailure(failure: TelegramFailure, message: string): void;
  /** Telegram said 401: the token is no longer valid. */
  onUnauthorized(failure: TelegramFailure): void;
}

export interface TextTarget {
  chatId: string;
  /** Forum topic; topic 1 (General) is omitted on sends, as Telegram requires (A9). */
  threadId?: string;
  /** Reply to this message id (replyToMode). */
  replyToMessageId?: number;
  replyToAll?: boolean;
  silent?: boolean;
  replyMarkup?: unknown;
}

export class TelegramSender {
  readonly #api: Api;
  readonly #clock: Clock;
  readonly #hooks: TelegramSenderHooks;
  readonly #chunkLimit: number;

  constructor(options: { api: Api; clock: Clock; hooks: TelegramSenderHooks; chunkLimit: number }) {
    this.#api = options.api;
    this.#clock = options.clock;
    this.#hooks = options.hooks;
    this.#chunkLimit = options.chunkLimit;
  }

  /**
   * Sends Markdown as one or more HTML messages. `beforeFirstSend` runs once, right before the first
   * request that could reach the user (the durable "sending" mark). Stops at the first chunk that
   * failed: later chunks out of context would confuse more than help.
   */
  async sendText(target: TextTarget, markdown: string, options: { beforeFirstSend?: () => void; signal?: AbortSignal } = {}): Promise<SendResult> {
    const chunks = chunkText(markdown, this.#chunkLimit);
    const result: SendResult = { status: 'sent', channel: 'telegram', chatId: target.chatId, messageIds: [] };
    let announced = false;
    for (const [index, chunk] of chunks.entries()) {
      if (!announced) {
        options.beforeFirstSend?.();
        announced = true;
      }
      const replyTo = index === 0 || target.replyToAll === true ? target.replyToMessageId : undefined;
      const sent = await this.sendChunk(target, chunk, replyTo, index === chunks.length - 1 ? target.replyMarkup : undefined);
      if (!sent.ok) {
        result.status = result.messageIds.length === 0 ? 'failed' : 'partial_failed';
        result.error = sent.message;
        result.reason = reasonOf(sent.failure);
        return result;
      }
      result.messageIds.push(String(sent.messageId));
      result.messageId ??= String(sent.messageId);
    }
    if (chunks.length === 0) return { ...result, status: 'failed', error: 'nothing to send (empty text)', reason: 'no_visible_payload' };
    return result;
  }

  /** One message (≤ 4000 chars of Markdown): HTML first, plain text once if Telegram cannot parse it. */
  async sendChunk(target: TextTarget, markdown: string, replyTo: number | undefined, replyMarkup?: unknown): Promise<{ ok: true; messageId: number } | { ok: false; failure: TelegramFailure; message: string }> {
    const html = markdownToTelegramHtml(markdown);
    const payload: Record<string, unknown> = this.#basePayload(target, replyTo, replyMarkup);
    const first = await this.#call('sendMessage', html.length > TELEGRAM_MAX_MESSAGE_CHARS ? { ...payload, text: markdown } : { ...payload, text: html, parse_mode: 'HTML' }, false, target.chatId);
    if (first.ok) return { ok: true, messageId: messageIdOf(first.value) };
    if (first.failure.kind !== 'parse_error') return first;
    // Said in status even though the user got the text: the operator should know formatting was lost.
    this.#hooks.onFailure(first.failure, first.message);
    const plain = await this.#call('sendMessage', { ...payload, text: htmlToPlainText(html) }, false, target.chatId);
    return plain.ok ? { ok: true, messageId: messageIdOf(plain.value) } : plain;
  }

  /** Edits a message (previews, status drafts); "not modified" counts as success. */
  async editText(target: TextTarget, messageId: number, markdown: string): Promise<boolean> {
    const html = markdownToTelegramHtml(markdown);
    const payload = { chat_id: target.chatId, message_id: messageId };
    const first = await this.#call('editMessageText', { ...payload, text: html, parse_mode: 'HTML' }, true, target.chatId);
    if (first.ok || /not modified/i.test(first.failure.description)) return true;
    if (first.failure.kind !== 'parse_error') return false;
    const plain = await this.#call('editMessageText', { ...payload, text: htmlToPlainText(html) }, true, target.chatId);
    return plain.ok || /not modified/i.test(plain.failure.description);
  }

  /** One `sendChatAction typing`; returns the failure, if any, for the typing loop's breaker. */
  async typing(target: TextTarget): Promise<TelegramFailure | undefined> {
    const payload: Record<string, unknown> = { chat_id: target.chatId, action: 'typing' };
    // Typing keeps the thread id even for the General topic (A9).
    if (target.threadId !== undefined) payload['message_thread_id'] = Number(target.threadId);
    const outcome = await this.#call('sendChatAction', payload, false, target.chatId, 1);
    return outcome.ok ? undefined : outcome.failure;
  }

  /** A raw call with the retry rules; `idempotent` calls also retry after server and timeout errors. */
  async call(method: string, payload: Record<string, unknown>, idempotent: boolean): Promise<{ ok: true; value: unknown } | { ok: false; failure: TelegramFailure; message: string }> {
    return this.#call(method, payload, idempotent, typeof payload['chat_id'] === 'string' || typeof payload['chat_id'] === 'number' ? String(payload['chat_id']) : undefined);
  }

  #basePayload(target: TextTarget, replyTo: number | undefined, replyMarkup: unknown): Record<string, unknown> {
    const payload: Record<string, unknown> = { chat_id: target.chatId, link_preview_options: { is_disabled: true } };
    if (target.threadId !== undefined && target.threadId !== '1') payload['message_thread_id'] = Number(target.threadId);
    if (replyTo !== undefined) payload['reply_parameters'] = { message_id: replyTo, allow_sending_without_reply: true };
    if (target.silent === true) payload['disable_notification'] = true;
    if (replyMarkup !== undefined) payload['reply_markup'] = replyMarkup;
    return payload;
  }

  async #call(
    method: string,
    payload: Record<string, unknown>,
    idempotent: boolean,
    chatId: string | undefined,
    maxAttempts = MAX_ATTEMPTS,
  ): Promise<{ ok: true; value: unknown } | { ok: false; failure: TelegramFailure; message: string }> {
    for (let attempt = 1; ; attempt++) {
      try {
        // grammY's raw API takes the method's payload object as is.
        const value: unknown = await (this.#api.raw as unknown as Record<string, (p: unknown) => Promise<unknown>>)[method]!(payload);
        this.#hooks.onDelivered();
        return { ok: true, value };
      } catch (error) {
        const failure = classifyTelegramError(error);
        const message = describeTelegramFailure(failure, chatId === undefined ? {} : { chatId });
        const retryable = failure.kind === 'rate_limited' || !failure.mayHaveReached || (idempotent && (failure.kind === 'server' || failure.kind === 'timeout' || failure.kind === 'network'));
        const isFinal = failure.kind === 'unauthorized' || failure.kind === 'forbidden' || failure.kind === 'parse_error' || failure.kind === 'bad_request' || failure.kind === 'conflict';
        if (failure.kind === 'unauthorized') this.#hooks.onUnauthorized(failure);
        if (isFinal || !retryable || attempt >= maxAttempts) {
          if (failure.kind !== 'parse_error') this.#hooks.onFailure(failure, message);
          return { ok: false, failure, message };
        }
        if (failure.kind === 'rate_limited') this.#hooks.onFailure(failure, message);
        const waitMs = failure.kind === 'rate_limited' ? Math.min(failure.retryAfterMs ?? 1000, MAX_RETRY_AFTER_MS) : NETWORK_RETRY_BASE_MS * 2 ** (attempt - 1);
        await this.#clock.sleep(waitMs);
      }
    }
  }
}

function messageIdOf(value: unknown): number {
  const id = (value as { message_id?: unknown } | undefined)?.message_id;
  return typeof id === 'number' ? id : 0;
}

/** OpenClaw-style machine reasons for deliveryStatus. */
function reasonOf(failure: TelegramFailure): string {
  switch (failure.kind) {
    case 'unauthorized':
      return 'unauthorized';
    case 'forbidden':
      return 'forbidden';
    case 'bad_request':
      return /chat not found/i.test(failure.description) ? 'invalid_delivery_target' : 'bad_request';
    case 'rate_limited':
      return 'rate_limited';
    default:
      return failure.mayHaveReached ? 'delivery_unknown' : 'transport_error';
  }
}
