/**
 * @module client/core/tick-watchdog — notices a silent gateway.
 *
 * The gateway sends a `tick` event every `tickIntervalMs` (hello-ok `policy`); any frame counts as
 * life. If nothing arrives for 2 × tickIntervalMs the watchdog fires once (OpenClaw's client closes
 * with 4000 "tick timeout" then, and so does ours).
 */
import type { ClientClock } from './clock.js';

export class TickWatchdog {
  readonly #clock: ClientClock;
  readonly #onTimeout: () => void;
  #intervalMs: number | undefined;
  #timer: unknown;

  constructor(clock: ClientClock, onTimeout: () => void) {
    this.#clock = clock;
    this.#onTimeout = onTimeout;
  }

  /** Starts watching with the negotiated tick interval, in ms. */
  start(tickIntervalMs: number): void {
    this.#intervalMs = tickIntervalMs;
    this.touch();
  }

  /** Something arrived: the silence window starts again. No-op until started. */
  touch(): void {
    if (this.#intervalMs === undefined) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = this.#clock.setTimeout(() => {
      this.#intervalMs = undefined;
      this.#onTimeout();
    }, this.#intervalMs * 2);
  }

  stop(): void {
    this.#intervalMs = undefined;
    this.#clock.clearTimeout(this.#timer);
  }
}
