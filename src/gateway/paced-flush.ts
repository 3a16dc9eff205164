/**
 * @module gateway/paced-flush — coalesces changes behind a dirty flag and paces the broadcasts by cost.
 *
 * OpenClaw's `presence` event carries the whole list (`{presence: PresenceEntry[]}` + `stateVersion`)
 * and clients replace their copy with it, so a delta would break them; `node.presence` is one event
 * per node. Both cost (size × readers) bytes per broadcast: a 3,500-entry list to 4,500 readers is
 * ~4 GB. So changes set a dirty flag and one flush sends the newest state, at most once per window,
 * and the window grows with the cost of the last flush, keeping the fan-out under FANOUT_BYTES_PER_S
 * on average (never shorter than PACED_MIN_WINDOW_MS, never longer than PACED_MAX_WINDOW_MS). A small
 * gateway sees a change 250 ms later; a 5,000-connection one within two minutes, and always the
 * newest state (`system-presence` and `node.list` answer at once). Nothing is sent while nothing changed.
 */
import type { Clock, TimerHandle } from '../time/index.js';

/** The first change after a quiet period goes out this long after it (ms). */
export const PACED_MIN_WINDOW_MS = 250;
/** The longest a change waits, however large the fan-out (ms). */
export const PACED_MAX_WINDOW_MS = 120_000;
/** Average broadcast bytes per second across all readers the spacing aims for. */
export const FANOUT_BYTES_PER_S = 32 * 1024 * 1024;

export interface PacedFlushOptions {
  clock: Clock;
  /** Sends the newest state; returns about how many bytes went out to all readers together. */
  flush: () => number;
}

export class PacedFlush {
  readonly #clock: Clock;
  readonly #flush: () => number;
  #timer: TimerHandle;
  #isPending = false;
  /** Earliest time (clock ms) the next flush may go out, from the cost of the last one. */
  #nextAllowedAtMs = 0;

  constructor(options: PacedFlushOptions) {
    this.#clock = options.clock;
    this.#flush = options.flush;
  }

  /** Something changed: one flush is scheduled for every change until it goes out. */
  markChanged(): void {
    if (this.#isPending) return;
    this.#isPending = true;
    const delayMs = Math.max(PACED_MIN_WINDOW_MS, this.#nextAllowedAtMs - this.#clock.now());
    this.#timer = this.#clock.setTimeout(() => this.#run(), delayMs);
  }

  /** Drops a scheduled flush (the gateway is stopping). */
  cancel(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#isPending = false;
  }

  #run(): void {
    this.#isPending = false;
    this.#nextAllowedAtMs = this.#clock.now() + pacedSpacingMs(this.#flush());
  }
}

/** How long after a flush of `bytes` (all readers together) the next may follow (ms). */
export function pacedSpacingMs(bytes: number): number {
  return Math.min(PACED_MAX_WINDOW_MS, Math.round((bytes / FANOUT_BYTES_PER_S) * 1000));
}
