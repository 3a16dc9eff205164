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

export interface HealthMonitorOptions {
  now: () => number;
  /** Shown as `sessions.path`; the session store arrives with the agent work. */
  sessionsPath: string;
}

export class HealthMonitor {
  readonly #now: () => number;
  readonly #sessionsPath: string;
  readonly #histogram: IntervalHistogram;
  #lastUtilization: EventLoopUtilization;
  #lastCpu: NodeJS.CpuUsage;
  #lastSampleAtMs: number;
  #degradedSinceMs: number | null = null;
  /** Bumped whenever a health snapshot is broadcast; part of `stateVersion`. */
  version = 1;

  constructor({ now, sessionsPath }: HealthMonitorOptions) {
    this.#now = now;
    this.#sessionsPath = sessionsPath;
    this.#histogram = monitorEventLoopDelay({ resolution: 20 });
    this.#histogram.enable();
    this.#lastUtilization = performance.eventLoopUtilization();
    this.#lastCpu = process.cpuUsage();
    this.#lastSampleAtMs = performance.now();
  }

  /** Builds a fresh snapshot, in the subset of OpenClaw's `HealthSummary` its CLI prints. */
  snapshot(): HealthSummary {
    const startedAt = performance.now();
    const utilization = performance.eventLoopUtilization(this.#lastUtilization);
    const cpu = process.cpuUsage(this.#lastCpu);
    const intervalMs = Math.max(1, startedAt - this.#lastSampleAtMs);
    const delayP99Ms = round(this.#histogram.percentile(99) / 1e6);
    const delayMaxMs = round(this.#histogram.max / 1e6);
    const cpuCoreRatio = round((cpu.user + cpu.system) / 1000 / intervalMs);
    const reasons: string[] = [];
    if (delayP99Ms > DEGRADED_DELAY_P99_MS) reasons.push('event_loop_delay');
    if (utilization.utilization > DEGRADED_UTILIZATION) reasons.push('event_loop_utilization');
    const nowMs = this.#now();
    this.#degradedSinceMs = reasons.length === 0 ? null : (this.#degradedSinceMs ?? nowMs);
    this.#histogram.reset();
    this.#lastUtilization = performance.eventLoopUtilization();
    this.#lastCpu = process.cpuUsage();
    this.#lastSampleAtMs = startedAt;
    return {
      ok: true,
      ts: nowMs,
      durationMs: Math.round(performance.now() - startedAt),
      eventLoop: {
        degraded: reasons.length > 0,
        degradedSinceMs: this.#degradedSinceMs,
        reasons,
        intervalMs: round(intervalMs),
        delayP99Ms,
        delayMaxMs,
        utilization: round(utilization.utilization),
        cpuCoreRatio,
      },
      channels: {},
      channelOrder: [],
      channelLabels: {},
      heartbeatSeconds: 0,
      defaultAgentId: 'main',
      agents: [],
      sessions: { path: this.#sessionsPath, count: 0, recent: [] },
    };
  }

  stop(): void {
    this.#histogram.disable();
  }
}

function round(value: number): number {
  return Number.isFinite(value) ? Math.round(value * 1000) / 1000 : 0;
}
