/**
 * @module channels/telegram/reply-sink — delivers one turn's reply into its chat/topic.
 *
 * Typing goes out at once and every 5 s while the run lasts (A10), and stops on the first 401 (an
 * unthrottled typing loop on a revoked token got bots deleted, C8). Streaming (A10):
 * - `progress` (default): tool/plan lines in one status message, edited at most once a second;
 *   the answer goes out as normal messages;
 * - `partial`: a preview message once the answer has 30 chars, edited about once a second, and the
 *   final text put in place by a last edit (further chunks follow as new messages);
 * - `off` / `block`: the final answer only.
 * The ingress rows are marked `sending` right before the first answer text leaves, so after a crash
 * the turn is re-run only if no answer can have reached the user.
 */
import type { Clock, TimerHandle } from '../../time/index.js';
import type { ReplySink } from '../channel.js';
import { chunkText } from '../chunking.js';
import type { StreamingMode } from './settings.js';
import type { TelegramSender, TextTarget } from './sender.js';

export const TYPING_INTERVAL_MS = 5000;
const PREVIEW_MIN_CHARS = 30;
const EDIT_INTERVAL_MS = 1000;
const MAX_PROGRESS_LINES = 8;

export interface TelegramReplySinkOptions {
  sender: TelegramSender;
  clock: Clock;
  target: TextTarget;
  mode: StreamingMode;
  chunkLimit: number;
  /** Durable "a reply may now leave" mark for the batch's updates. */
  markSending(): void;
  /** The batch is finished (`replied`, `failed:<why>`), after `messages` messages went out. */
  markDone(outcome: string, messages: number): void;
  /** Aborted when the channel stops or is blocked. */
  signal: AbortSignal;
}

export class TelegramReplySink implements ReplySink {
  readonly #options: TelegramReplySinkOptions;
  #typingTimer: TimerHandle | undefined;
  #typingStopped = false;
  #marked = false;
  #preview: { messageId: number; text: string } | undefined;
  #previewPending: string | undefined;
  #progressLines: string[] = [];
  #statusMessageId: number | undefined;
  #editTimer: TimerHandle | undefined;
  #editing: Promise<void> = Promise.resolve();
  #finished = false;
  readonly #onAbort = (): void => this.#stopTyping();

  constructor(options: TelegramReplySinkOptions) {
    this.#options = options;
    options.signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  begin(): void {
    void this.#typingTick();
  }

  partial(text: string): void {
    if (this.#finished || this.#options.mode !== 'partial' || text.length < PREVIEW_MIN_CHARS) return;
    this.#previewPending = text;
    this.#scheduleEdit();
  }

  progress(line: string): void {
    if (this.#finished || this.#options.mode !== 'progress') return;
    this.#progressLines.push(line.length > 200 ? `${line.slice(0, 199)}…` : line);
    this.#progressLines = this.#progressLines.slice(-MAX_PROGRESS_LINES);
    this.#scheduleEdit();
  }

  async final(text: string): Promise<void> {
    this.#finish();
    await this.#editing;
    if (text.trim() === '') {
      this.#options.markDone('no_visible_payload', 0);
      return;
    }
    const { sender, target } = this.#options;
    if (this.#preview !== undefined) {
      const [head = '', ...rest] = chunkText(text, this.#options.chunkLimit);
      this.#mark();
      const placed = await sender.editText(target, this.#preview.messageId, head);
      const remainder = placed ? rest.join('\n\n') : text;
      const result = remainder.trim() === '' ? undefined : await sender.sendText(target, remainder);
      this.#options.markDone(result === undefined || result.status === 'sent' ? 'replied' : `failed:${result.reason ?? 'unknown'}`, (placed ? 1 : 0) + (result?.messageIds.length ?? 0));
      return;
    }
    const result = await sender.sendText(target, text, { beforeFirstSend: () => this.#mark() });
    this.#options.markDone(result.status === 'sent' ? 'replied' : `failed:${result.reason ?? 'unknown'}`, result.messageIds.length);
  }

  async fail(message: string): Promise<void> {
    this.#finish();
    await this.#editing;
    const result = await this.#options.sender.sendText(this.#options.target, message, { beforeFirstSend: () => this.#mark() });
    this.#options.markDone(result.status === 'sent' ? 'failed:turn_error' : `failed:${result.reason ?? 'unknown'}`, result.messageIds.length);
  }

  #finish(): void {
    this.#finished = true;
    // The channel's signal lives as long as the channel: leave no listener per turn behind.
    this.#options.signal.removeEventListener('abort', this.#onAbort);
    this.#stopTyping();
    if (this.#editTimer !== undefined) this.#options.clock.clearTimeout(this.#editTimer);
    this.#editTimer = undefined;
  }

  #mark(): void {
    if (this.#marked) return;
    this.#marked = true;
    this.#options.markSending();
  }

  async #typingTick(): Promise<void> {
    if (this.#typingStopped || this.#options.signal.aborted) return;
    const failure = await this.#options.sender.typing(this.#options.target);
    if (failure?.kind === 'unauthorized' || failure?.kind === 'forbidden') {
      this.#stopTyping();
      return;
    }
    if (this.#typingStopped) return;
    const delayMs = failure?.kind === 'rate_limited' ? Math.max(TYPING_INTERVAL_MS, failure.retryAfterMs ?? 0) : TYPING_INTERVAL_MS;
    this.#typingTimer = this.#options.clock.setTimeout(() => void this.#typingTick(), delayMs);
  }

  #stopTyping(): void {
    this.#typingStopped = true;
    if (this.#typingTimer !== undefined) this.#options.clock.clearTimeout(this.#typingTimer);
    this.#typingTimer = undefined;
  }

  #scheduleEdit(): void {
    if (this.#editTimer !== undefined) return;
    const isFirst = this.#preview === undefined && this.#statusMessageId === undefined;
    this.#editTimer = this.#options.clock.setTimeout(() => {
      this.#editTimer = undefined;
      this.#editing = this.#editing.then(() => this.#flushEdit());
    }, isFirst ? 0 : EDIT_INTERVAL_MS);
  }

  async #flushEdit(): Promise<void> {
    if (this.#finished) return;
    const { sender, target } = this.#options;
    if (this.#options.mode === 'partial' && this.#previewPending !== undefined) {
      const text = this.#previewPending.slice(0, this.#options.chunkLimit);
      this.#previewPending = undefined;
      if (this.#preview === undefined) {
        this.#mark();
        const sent = await sender.sendChunk(target, text, undefined);
        if (sent.ok) this.#preview = { messageId: sent.messageId, text };
      } else if (text !== this.#preview.text) {
        if (await sender.editText(target, this.#preview.messageId, text)) this.#preview.text = text;
      }
      return;
    }
    if (this.#options.mode === 'progress' && this.#progressLines.length > 0) {
      const body = `⏳ Working…\n${this.#progressLines.map((line) => `• ${line}`).join('\n')}`;
      if (this.#statusMessageId === undefined) {
        const sent = await sender.sendChunk(target, body, undefined);
        if (sent.ok) this.#statusMessageId = sent.messageId;
      } else {
        await sender.editText(target, this.#statusMessageId, body);
      }
    }
  }
}
