/**
 * @module channels/telegram/poller — durable long polling with a liveness watchdog.
 *
 * Each batch from `getUpdates` is committed to the ingress store (with the next offset) before the
 * next request sends that offset to Telegram, so an update is never confirmed before it is durable
 * (A5). Liveness comes from the poller itself, never from "any API call succeeded" (C1: OpenClaw's
 * watchdog was fooled by outbound traffic): no completed poll for 120 s is a stall, the request is
 * aborted and a fresh one sent. 409 (another poller, or a webhook still set) is reported in plain
 * words, the webhook cleared, and polling resumes with backoff. 401 blocks the account.
 */
import type { Api } from 'grammy';
import type { Clock, TimerHandle } from '../../time/index.js';
import { classifyTelegramError, describeTelegramFailure, type TelegramFailure } from './bot-api.js';
import type { StoredUpdate, TelegramIngressStore } from './ingress-store.js';

export const POLL_TIMEOUT_SEC = 30;
const POLL_REQUEST_TIMEOUT_MS = 45_000;
export const STALL_THRESHOLD_MS = 120_000;
export const WATCHDOG_INTERVAL_MS = 30_000;
const BACKOFF_INITIAL_MS = 1000;
const BACKOFF_MAX_MS = 30_000;
const MAX_RETRY_AFTER_MS = 600_000;

/** OpenClaw's observed list (A4), minus kinds this gateway never handles. */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'channel_post', 'callback_query', 'my_chat_member', 'message_reaction'] as const;

export interface PollerHooks {
  /** New durable updates, in update_id order. */
  onUpdates(updates: StoredUpdate[]): void;
  /** A poll completed (even empty): the transport is alive. */
  onPollCompleted(): void;
  /** Something the operator should see (null clears it). */
  onProblem(message: string | null, failure?: TelegramFailure): void;
  /** 401: stop and block the account. */
  onUnauthorized(message: string): void;
  onStall(sinceMs: number): void;
}

export class TelegramPoller {
  readonly #api: Api;
  readonly #store: TelegramIngressStore;
  readonly #clock: Clock;
  readonly #hooks: PollerHooks;
  readonly #stop = new AbortController();
  #request: AbortController | undefined;
  #watchdog: TimerHandle | undefined;
  #lastCompletedAt: number;
  #retryAfterUntil = 0;
  #loop: Promise<void> | undefined;
  #hasSucceeded = false;
  #sleepTimer: { handle: TimerHandle; resolve: () => void } | undefined;

  constructor(options: { api: Api; store: TelegramIngressStore; clock: Clock; hooks: PollerHooks }) {
    this.#api = options.api;
    this.#store = options.store;
    this.#clock = options.clock;
    this.#hooks = options.hooks;
    this.#lastCompletedAt = options.clock.now();
  }

  start(): void {
    this.#lastCompletedAt = this.#clock.now();
    this.#watchdog = this.#clock.setInterval(() => this.#checkStall(), WATCHDOG_INTERVAL_MS);
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    this.#request?.abort();
    if (this.#watchdog !== undefined) this.#clock.clearInterval(this.#watchdog);
    this.#wake();
    await this.#loop;
  }

  async #run(): Promise<void> {
    let backoffMs = BACKOFF_INITIAL_MS;
    while (!this.#stop.signal.aborted) {
      const request = new AbortController();
      this.#request = request;
      const timeout = AbortSignal.timeout(POLL_REQUEST_TIMEOUT_MS);
      try {
        const updates = (await this.#api.getUpdates(
          { offset: this.#store.nextOffset(), limit: 100, timeout: this.#hasSucceeded ? POLL_TIMEOUT_SEC : 0, allowed_updates: [...ALLOWED_UPDATES] },
          // Not this.#stop.signal: each any() would leave a listener on it for the life of the poller; stop() aborts `request`.
          AbortSignal.any([request.signal, timeout]) as never,
        )) as unknown as Record<string, unknown>[];
        this.#hasSucceeded = true;
        this.#lastCompletedAt = this.#clock.now();
        backoffMs = BACKOFF_INITIAL_MS;
        const fresh = this.#store.enqueue(updates);
        this.#hooks.onPollCompleted();
        if (fresh.length > 0) this.#hooks.onUpdates(fresh);
        continue;
      } catch (error) {
        if (this.#stop.signal.aborted) return;
        // The watchdog aborted a stalled request: poll again at once.
        if (request.signal.aborted) continue;
        const failure = classifyTelegramError(error);
        const message = describeTelegramFailure(failure);
        if (failure.kind === 'unauthorized') {
          this.#hooks.onUnauthorized(message);
          return;
        }
        this.#hooks.onProblem(message, failure);
        if (failure.kind === 'conflict' && /webhook/i.test(failure.description)) {
          await this.#api.deleteWebhook({ drop_pending_updates: false }).catch(() => undefined);
        }
        const waitMs = failure.kind === 'rate_limited' ? Math.min(failure.retryAfterMs ?? BACKOFF_INITIAL_MS, MAX_RETRY_AFTER_MS) : backoffMs;
        if (failure.kind === 'rate_limited') this.#retryAfterUntil = this.#clock.now() + waitMs;
        else backoffMs = Math.min(backoffMs * 2, BACKOFF_MAX_MS);
        await this.#sleep(waitMs);
      }
    }
  }

  #checkStall(): void {
    const now = this.#clock.now();
    // A wait Telegram asked for (retry_after) is not a stall (A5).
    if (now < this.#retryAfterUntil) return;
    if (now - this.#lastCompletedAt < STALL_THRESHOLD_MS) return;
    this.#hooks.onStall(now - this.#lastCompletedAt);
    this.#lastCompletedAt = now;
    this.#request?.abort();
    this.#wake();
  }

  /** Sleeps on the injected clock; `stop` or the watchdog cut it short. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const handle = this.#clock.setTimeout(() => {
        this.#sleepTimer = undefined;
        resolve();
      }, ms);
      this.#sleepTimer = { handle, resolve };
    });
  }

  #wake(): void {
    const sleeping = this.#sleepTimer;
    if (sleeping === undefined) return;
    this.#sleepTimer = undefined;
    this.#clock.clearTimeout(sleeping.handle);
    sleeping.resolve();
  }
}
