/**
 * @module gateway/health-monitor — the `health` snapshot: event-loop delay and utilisation, CPU share.
 *
 * Cheap enough to compute on every call (no cache needed): a histogram read and two counters.
 */
import { monitorEventLoopDelay, performance, type IntervalHistogram, type EventLoopUtilization } from 'node:perf_hooks';
import type { HealthSummary } from '../protocol/index.js';

/** Event-loop p99 delay above which health reports `degraded` (ms). */
const DEGRADED_DELAY_P99_MS = 500;
/** Event-loop utilisation above which health reports `degraded` (0..1). */
const DEGRADED_UTILIZATION = 0.95;
/**
 * Shortest window worth measuring. hello-ok takes a snapshot and a CLI calls `health` a few ms later:
 * a window that short is all "active" (utilisation 1, no delay samples) and would report a healthy
 * gateway as degraded. Inside this window the previous sample is reused, as OpenClaw serves a cached one.
 */
const MIN_SAMPLE_WINDOW_MS = 1000;

type EventLoopHealth = HealthSummary['eventLoop'];

export interface HealthMonitorOptions {
  now: () => number;
  /** Shown as `sessions.path`; the session store arrives with the agent work. */
  sessionsPath: string;
  /** Shortest measured window (default 1000 ms); tests lower it. */
  minSampleWindowMs?: number;
  /** p99 event-loop delay that counts as degraded (default 500 ms); tests lower it. */
  degradedDelayP99Ms?: number;
  /** Adds features' parts (channels, agents, sessions) to every snapshot. */
  contribute?: (snapshot: HealthSummary) => void;
}

export class HealthMonitor {
  readonly #now: () => number;
  readonly #sessionsPath: string;
  readonly #minSampleWindowMs: number;
  readonly #degradedDelayP99Ms: number;
  readonly #contribute: ((snapshot: HealthSummary) => void) | undefined;
  readonly #histogram: IntervalHistogram;
  #lastUtilization: EventLoopUtilization;
  #lastCpu: NodeJS.CpuUsage;
  #lastSampleAtMs: number;
  #lastEventLoop: EventLoopHealth | undefined;
  /** Wall-clock ms when the current degraded spell began; null while healthy. */
  #firstDegradedAtMs: number | null = null;
  /** Bumped whenever a `health` event is broadcast (gateway/server.ts, on change); part of `stateVersion`. */
  version = 1;

  constructor({ now, sessionsPath, minSampleWindowMs = MIN_SAMPLE_WINDOW_MS, degradedDelayP99Ms = DEGRADED_DELAY_P99_MS, contribute }: HealthMonitorOptions) {
    this.#now = now;
    this.#contribute = contribute;
    this.#sessionsPath = sessionsPath;
    this.#minSampleWindowMs = minSampleWindowMs;
    this.#degradedDelayP99Ms = degradedDelayP99Ms;
    this.#histogram = monitorEventLoopDelay({ resolution: 20 });
    this.#histogram.enable();
    this.#lastUtilization = performance.eventLoopUtilization();
    this.#lastCpu = process.cpuUsage();
    this.#lastSampleAtMs = performance.now();
  }

  /** Builds a snapshot, in the subset of OpenClaw's `HealthSummary` its CLI prints. */
  snapshot(): HealthSummary {
    const startedAt = performance.now();
    const nowMs = this.#now();
    const windowMs = startedAt - this.#lastSampleAtMs;
    const eventLoop = this.#lastEventLoop !== undefined && windowMs < this.#minSampleWindowMs ? this.#lastEventLoop : this.#sampleEventLoop(startedAt, nowMs);
    const snapshot: HealthSummary = {
      ok: true,
      ts: nowMs,
      durationMs: Math.round(performance.now() - startedAt),
      eventLoop: {
        ...eventLoop,
        // OpenClaw sends how long the loop has been degraded (ms), not when it began; its CLI prints
        // "degraded for <duration>" from this field.
        degradedSinceMs: this.#firstDegradedAtMs === null ? null : Math.max(0, Math.round(nowMs - this.#firstDegradedAtMs)),
      },
      channels: {},
      channelOrder: [],
      channelLabels: {},
      heartbeatSeconds: 0,
      defaultAgentId: 'main',
      agents: [],
      sessions: { path: this.#sessionsPath, count: 0, recent: [] },
    };
    this.#contribute?.(snapshot);
    return snapshot;
  }

  /** Measures the window since the last sample and starts a new one. */
  #sampleEventLoop(startedAt: number, nowMs: number): EventLoopHealth {
    const utilization = performance.eventLoopUtilization(this.#lastUtilization);
    const cpu = process.cpuUsage(this.#lastCpu);
    const intervalMs = Math.max(1, startedAt - this.#lastSampleAtMs);
    const delayP99Ms = round(this.#histogram.percentile(99) / 1e6);
    const delayMaxMs = round(this.#histogram.max / 1e6);
    const cpuCoreRatio = round((cpu.user + cpu.system) / 1000 / intervalMs);
    const reasons: EventLoopHealth['reasons'] = [];
    if (delayP99Ms > this.#degradedDelayP99Ms) reasons.push('event_loop_delay');
    // Utilisation over a window shorter than the minimum (the first call after start) says nothing.
    if (intervalMs >= this.#minSampleWindowMs && utilization.utilization > DEGRADED_UTILIZATION) reasons.push('event_loop_utilization');
    this.#firstDegradedAtMs = reasons.length === 0 ? null : (this.#firstDegradedAtMs ?? nowMs);
    this.#histogram.reset();
    this.#lastUtilization = performance.eventLoopUtilization();
    this.#lastCpu = process.cpuUsage();
    this.#lastSampleAtMs = startedAt;
    this.#lastEventLoop = {
      degraded: reasons.length > 0,
      degradedSinceMs: null,
      reasons,
      intervalMs: round(intervalMs),
      delayP99Ms,
      delayMaxMs,
      utilization: round(utilization.utilization),
      cpuCoreRatio,
    };
    return this.#lastEventLoop;
  }

  stop(): void {
    this.#histogram.disable();
  }
}

function round(value: number): number {
  return Number.isFinite(value) ? Math.round(value * 1000) / 1000 : 0;
}
