/**
 * @module bench/run — `npm run bench`: every figure of issue 2 measured in one run, side by side.
 *
 * Flags: `--with-openclaw` also measures the real OpenClaw 2026.9.6 (needs the .cache/interop install
 * from `npm run interop`, or CLAWGATE_INTEROP_DIR); `--quick` uses fewer iterations (smoke test).
 * Writes .cache/bench/latest.json and latest.md (gitignored, so a run never dirties the checkout) and
 * prints the markdown to stdout. `npm run bench:publish` copies them to bench/results/ and redraws the
 * SVG charts of BENCHMARKS.md: publishing figures is a separate, explicit step.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release } from 'node:os';
import { fileURLToPath } from 'node:url';
import { CLAWGATE_VERSION } from '../src/protocol/index.js';
import { checkTargets, renderMarkdown, type TargetCheck } from './report.js';
import {
  measureCli,
  measureLoad,
  measureMemory,
  measureOpenClaw,
  measureStartup,
  measureWithModel,
  startSteadyGateway,
  type CliResult,
  type LoadComparison,
  type MemoryResult,
  type OpenClawResult,
  type StartupResult,
  type WithModelResult,
} from './scenarios.js';

export interface BenchResults {
  meta: {
    date: string;
    clawgateVersion: string;
    node: string;
    platform: string;
    cpus: number;
    cpuModel: string;
    loadBefore: number[];
    loadAfter: number[];
    loadDurationMs: number;
    loadWarmupMs: number;
  };
  startup: StartupResult;
  cli: CliResult;
  load: LoadComparison[];
  memory: MemoryResult;
  /** Absent in results from before it was measured. */
  withModel?: WithModelResult;
  openclaw?: OpenClawResult;
  targets: TargetCheck[];
}

const RESULTS_DIR = fileURLToPath(new URL('../../.cache/bench/', import.meta.url));

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

async function main(argv: readonly string[]): Promise<void> {
  const isQuick = argv.includes('--quick');
  const withOpenClaw = argv.includes('--with-openclaw');
  const loadDurationMs = isQuick ? 1000 : 3000;
  const loadWarmupMs = isQuick ? 200 : 500;
  const loadBefore = loadavg().map((value) => Math.round(value * 100) / 100);

  log('gateway start-up');
  const startup = await measureStartup(isQuick ? 2 : 7);
  log('steady gateway: CLI wall time and RPC load');
  const gateway = await startSteadyGateway();
  let cli: CliResult;
  let load: LoadComparison[];
  try {
    cli = await measureCli(gateway, isQuick ? 3 : 15);
    load = await measureLoad(gateway, [1, 16, 256], loadDurationMs, loadWarmupMs);
  } finally {
    await gateway.stop();
  }
  log('memory: idle and 1,000 idle connections');
  const memory = await measureMemory(1000, isQuick ? 500 : 2000);
  log('with a model configured: ready, CLI wall time, idle RSS');
  const withModel = await measureWithModel(isQuick ? 2 : 7, isQuick ? 3 : 15, isQuick ? 500 : 2000);
  let openclaw: OpenClawResult | undefined;
  if (withOpenClaw) {
    log('real OpenClaw gateway (takes ~30 s)');
    openclaw = await measureOpenClaw(isQuick ? 2 : 5);
  }

  const cpuInfo = cpus();
  const partial = {
    meta: {
      date: new Date().toISOString(),
      clawgateVersion: CLAWGATE_VERSION,
      node: process.version,
      platform: `${platform()} ${release()}`,
      cpus: cpuInfo.length,
      cpuModel: cpuInfo[0]?.model.trim() ?? 'unknown',
      loadBefore,
      loadAfter: loadavg().map((value) => Math.round(value * 100) / 100),
      loadDurationMs,
      loadWarmupMs,
    },
    startup,
    cli,
    load,
    memory,
    withModel,
    targets: [] as TargetCheck[],
    ...(openclaw === undefined ? {} : { openclaw }),
  } satisfies BenchResults;
  partial.targets = checkTargets(partial);
  const markdown = renderMarkdown(partial);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(`${RESULTS_DIR}latest.json`, `${JSON.stringify(partial, null, 2)}\n`);
  writeFileSync(`${RESULTS_DIR}latest.md`, markdown);
  process.stdout.write(markdown);
  log(`results in ${RESULTS_DIR}; \`npm run bench:publish\` copies them to bench/results/ and redraws the charts`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`bench: failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
