/**
 * @module client/core/reconnect — when to try again after a connection failed or dropped.
 *
 * Exponential backoff with jitter (backoff.ts) on an injected clock: each `schedule` waits longer than
 * the last until `reset` (a connection succeeded). At most one attempt is ever scheduled.
 */
import { backoffDelayMs, type BackoffOptions } from './backoff.js';
import type { ClientClock } from './clock.js';

export class Reconnector {
  readonly #clock: Pick<ClientClock, 'setTimeout' | 'clearTimeout'>;
  readonly #backoff: BackoffOptions;
  #attempt = 0;
  #timer: unknown;
  #isScheduled = false;

  constructor(clock: Pick<ClientClock, 'setTimeout' | 'clearTimeout'>, backoff: BackoffOptions = {}) {
    this.#clock = clock;
    this.#backoff = backoff;
  }

  /** Failed attempts since the last success. */
  get attempt(): number {
    return this.#attempt;
  }

  /**
   * Runs `attempt` after the next backoff delay (replacing any scheduled one); returns the delay in ms.
   * With `retryAfterMs` (the gateway said it is busy, HTTP 503 + Retry-After) the delay is that, with
   * jitter (0.5–1.5×), and the backoff does not grow: during a reconnect storm clients keep coming back
   * about every second instead of drifting to 16–30 s waits while the gateway has long caught up.
   */
  schedule(attempt: () => void, hint: { retryAfterMs?: number | undefined } = {}): number {
    this.cancel();
    const delayMs =
      hint.retryAfterMs === undefined ? backoffDelayMs(this.#attempt++, this.#backoff) : Math.round(hint.retryAfterMs * (0.5 + (this.#backoff.random ?? Math.random)()));
    this.#isScheduled = true;
    this.#timer = this.#clock.setTimeout(() => {
      this.#isScheduled = false;
      attempt();
    }, delayMs);
    return delayMs;
  }

  /** A connection succeeded: the next failure starts from the first delay again. */
  reset(): void {
    this.#attempt = 0;
  }

  /** Drops a scheduled attempt (the client is stopping). */
  cancel(): void {
    if (!this.#isScheduled) return;
    this.#isScheduled = false;
    this.#clock.clearTimeout(this.#timer);
  }
}
