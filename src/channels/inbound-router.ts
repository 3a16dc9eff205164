/**
 * @module channels/inbound-router — admitted messages → merged turns → agent → reply sink.
 *
 * Rapid messages from one sender in one conversation are merged into one turn (reference A9: 300 ms
 * quiet window, up to 1.5 s after a ≥4000-char paste, at most 12 messages / 50k chars / 7.5 s).
 * Commands skip the window but keep their order (any open batch is flushed first). Turns of one
 * conversation run one after another so replies arrive in order; different chats run in parallel.
 */
import type { Clock, TimerHandle } from '../time/index.js';
import type { AgentPort, TurnSender } from './agent-port.js';
import type { InboundMessage, ReplySink } from './channel.js';

/** Merge-window limits (OpenClaw's fixed constants, A9). */
export interface MergeLimits {
  quietWindowMs: number;
  longMessageChars: number;
  longMessageWaitMs: number;
  maxMessages: number;
  maxChars: number;
  maxSpanMs: number;
}

export const DEFAULT_MERGE_LIMITS: MergeLimits = {
  quietWindowMs: 300,
  longMessageChars: 4000,
  longMessageWaitMs: 1500,
  maxMessages: 12,
  maxChars: 50_000,
  maxSpanMs: 7500,
};

/** `/stop` (or `/abort`): stops the conversation's running turn at once, never queued behind it. */
export const STOP_COMMAND = /^\/(stop|abort)(@\w+)?\s*$/i;

/** The text a user sees when a turn throws instead of answering (one short line, never a stack). */
export const TURN_CRASHED_TEXT = '⚠️ Something went wrong while answering. Please try again.';

export interface InboundRouterOptions {
  clock: Clock;
  agent: AgentPort;
  /** Session key for a message (session-routing.ts). */
  sessionKeyOf(message: InboundMessage): string;
  /** The sink that delivers a turn's reply back into the batch's conversation. */
  openReply(batch: readonly InboundMessage[]): ReplySink;
  isOwner?(message: InboundMessage): boolean;
  limits?: Partial<MergeLimits>;
  /** Called with an error a turn threw (for the log). */
  onTurnError?(error: unknown): void;
}

interface PendingBatch {
  messages: InboundMessage[];
  chars: number;
  firstAtMs: number;
  timer: TimerHandle | undefined;
}

export class InboundRouter {
  readonly #options: InboundRouterOptions;
  readonly #limits: MergeLimits;
  readonly #pending = new Map<string, PendingBatch>();
  readonly #lanes = new Map<string, Promise<void>>();
  readonly #abort = new AbortController();
  #activeRuns = 0;
  #lastRunActivityAt: number | null = null;

  constructor(options: InboundRouterOptions) {
    this.#options = options;
    this.#limits = { ...DEFAULT_MERGE_LIMITS, ...options.limits };
  }

  /** Turns running right now. */
  get activeRuns(): number {
    return this.#activeRuns;
  }

  get lastRunActivityAt(): number | null {
    return this.#lastRunActivityAt;
  }

  /** Takes an admitted message: merges it, or (commands) dispatches it at once. */
  accept(message: InboundMessage): void {
    if (this.#abort.signal.aborted) return;
    const key = senderKey(message);
    if (STOP_COMMAND.test(message.text.trim())) {
      this.#flush(key);
      void this.#stop(message);
      return;
    }
    if (message.isCommand) {
      this.#flush(key);
      this.#dispatch([message]);
      return;
    }
    const now = this.#options.clock.now();
    let batch = this.#pending.get(key);
    if (batch === undefined) {
      batch = { messages: [], chars: 0, firstAtMs: now, timer: undefined };
      this.#pending.set(key, batch);
    }
    batch.messages.push(message);
    batch.chars += message.text.length;
    if (batch.messages.length >= this.#limits.maxMessages || batch.chars >= this.#limits.maxChars) {
      this.#flush(key);
      return;
    }
    const wait = message.text.length >= this.#limits.longMessageChars ? this.#limits.longMessageWaitMs : this.#limits.quietWindowMs;
    const untilSpanEnds = batch.firstAtMs + this.#limits.maxSpanMs - now;
    if (batch.timer !== undefined) this.#options.clock.clearTimeout(batch.timer);
    batch.timer = this.#options.clock.setTimeout(() => this.#flush(key), Math.max(0, Math.min(wait, untilSpanEnds)));
  }

  /** Resolves when every open batch is dispatched and every running turn has finished. */
  async idle(): Promise<void> {
    for (const key of [...this.#pending.keys()]) this.#flush(key);
    while (this.#lanes.size > 0) await Promise.all([...this.#lanes.values()]);
  }

  /** Drops open batches and aborts running turns. */
  stop(): void {
    for (const batch of this.#pending.values()) if (batch.timer !== undefined) this.#options.clock.clearTimeout(batch.timer);
    this.#pending.clear();
    this.#abort.abort();
  }

  /** Aborts the running turn of the message's session and says so in the chat (outside the lane). */
  async #stop(message: InboundMessage): Promise<void> {
    const sink = this.#options.openReply([message]);
    try {
      const stopped = (await this.#options.agent.abort?.(this.#options.sessionKeyOf(message))) ?? 0;
      await sink.final(stopped > 0 ? '⏹ Stopped.' : 'Nothing is running.');
    } catch (error) {
      this.#options.onTurnError?.(error);
      await sink.fail(TURN_CRASHED_TEXT).catch(() => undefined);
    }
  }

  #flush(key: string): void {
    const batch = this.#pending.get(key);
    if (batch === undefined) return;
    this.#pending.delete(key);
    if (batch.timer !== undefined) this.#options.clock.clearTimeout(batch.timer);
    this.#dispatch(batch.messages);
  }

  #dispatch(batch: readonly InboundMessage[]): void {
    const first = batch[0];
    if (first === undefined) return;
    const lane = conversationKey(first);
    const previous = this.#lanes.get(lane) ?? Promise.resolve();
    const next = previous.then(() => this.#runTurn(batch));
    this.#lanes.set(lane, next);
    void next.finally(() => {
      if (this.#lanes.get(lane) === next) this.#lanes.delete(lane);
    });
  }

  async #runTurn(batch: readonly InboundMessage[]): Promise<void> {
    const first = batch[0];
    if (first === undefined || this.#abort.signal.aborted) return;
    const sink = this.#options.openReply(batch);
    this.#activeRuns += 1;
    this.#lastRunActivityAt = this.#options.clock.now();
    try {
      sink.begin();
      const sender: TurnSender = { channel: first.channel, accountId: first.accountId, id: first.sender.id, isOwner: this.#options.isOwner?.(first) ?? false };
      const label = first.sender.username ?? first.sender.displayName;
      if (label !== undefined) sender.label = label;
      const outcome = await this.#options.agent.runTurn({
        sessionKey: this.#options.sessionKeyOf(first),
        text: batch.map((message) => message.text).join('\n\n'),
        sender,
        signal: this.#abort.signal,
        onDelta: (text) => sink.partial(text),
        onProgress: (line) => sink.progress(line),
      });
      if (outcome.status === 'ok') await sink.final(outcome.text);
      else if (outcome.status === 'error') await sink.fail(outcome.text);
      else await sink.final('');
    } catch (error) {
      this.#options.onTurnError?.(error);
      await sink.fail(TURN_CRASHED_TEXT).catch((failError: unknown) => this.#options.onTurnError?.(failError));
    } finally {
      this.#activeRuns -= 1;
      this.#lastRunActivityAt = this.#options.clock.now();
    }
  }
}

function senderKey(message: InboundMessage): string {
  return `${conversationKey(message)}|${message.sender.id}`;
}

function conversationKey(message: InboundMessage): string {
  return `${message.channel}|${message.accountId}|${message.conversation.chatId}|${message.conversation.threadId ?? ''}`;
}
