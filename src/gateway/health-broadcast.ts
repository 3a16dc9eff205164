/**
 * @module gateway/health-broadcast — sends the `health` event when the health summary changes.
 *
 * Checked at every tick: the event-loop state, channels, agents and session count are compared with
 * what was last said (timings are not: they change every time). A change bumps `stateVersion.health`
 * and broadcasts the snapshot, so clients that track `stateVersion` drop older snapshots (OpenClaw).
 */
import { healthEvent, type HealthSummary, type StateVersion } from '../protocol/index.js';
import type { EventBus } from './event-bus.js';
import type { HealthMonitor } from './health-monitor.js';

export class HealthBroadcast {
  readonly #health: HealthMonitor;
  readonly #events: EventBus;
  readonly #stateVersion: () => StateVersion;
  #lastSignature = '';

  constructor(health: HealthMonitor, events: EventBus, stateVersion: () => StateVersion) {
    this.#health = health;
    this.#events = events;
    this.#stateVersion = stateVersion;
  }

  /** Records the state hello-ok snapshots carry from now on (call once at start). */
  baseline(): void {
    this.#lastSignature = signatureOf(this.#health.snapshot());
  }

  /** Broadcasts `health` if the summary changed since the last broadcast (or the baseline). */
  check(): void {
    const snapshot = this.#health.snapshot();
    const signature = signatureOf(snapshot);
    if (signature === this.#lastSignature) return;
    this.#lastSignature = signature;
    this.#health.version++;
    this.#events.emit(healthEvent, snapshot, {}, { stateVersion: this.#stateVersion() });
  }
}

/** The parts of a health snapshot worth telling clients about when they change (not the timings). */
function signatureOf(snapshot: HealthSummary): string {
  return JSON.stringify([snapshot.ok, snapshot.eventLoop.degraded, snapshot.eventLoop.reasons, snapshot.channels, snapshot.agents, snapshot.sessions.count]);
}
