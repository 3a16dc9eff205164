/**
 * @module bench/scenarios — the measurements, each against a real spawned process on loopback.
 * Every loop is bounded in count and in time.
 */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { callGateway } from '../src/client/index.js';
import { createIsolatedEnv, findFreePort, findOpenClawInstall, spawnDaemon, waitUntil } from '../test/helpers/openclaw.js';
import { closeClients, openClients, runLoad, type LoadResult } from './lib/load.js';
import { CLAWGATE_BIN, httpStatus, rssBytes, spawnBareNode, spawnClawgate, timeCommand, treeRssBytes, type ClawgateProcess } from './lib/processes.js';
import { round, summarize, type Summary } from './lib/stats.js';

const MB = 1024 * 1024;

/** Polls `probe` as fast as `intervalMs` allows; resolves with ms since `since`. */
async function timeUntil(since: number, probe: () => Promise<boolean>, timeoutMs: number, intervalMs: number): Promise<number> {
  await waitUntil(probe, timeoutMs, intervalMs);
  return performance.now() - since;
}

async function healthOk(url: string, token: string, timeoutMs = 2000): Promise<boolean> {
  const { payload } = await callGateway<{ ok?: boolean }>('health', {}, { url, token, scopes: ['operator.read'], timeoutMs });
  return payload !== null && typeof payload === 'object';
}

export interface StartupResult {
  readyMs: Summary;
  firstHealthMs: Summary;
}

/** Spawn → /readyz 200, and spawn → first `health` answered (polled from spawn, separate runs). */
export async function measureStartup(runs: number): Promise<StartupResult> {
  const ready: number[] = [];
  const firstHealth: number[] = [];
  for (let run = 0; run < runs; run++) {
    const gateway = await spawnClawgate();
    try {
      ready.push(await timeUntil(gateway.spawnedAt, async () => (await httpStatus(gateway.port, '/readyz')) === 200, 10_000, 5));
    } finally {
      await gateway.stop();
    }
    const polled = await spawnClawgate();
    try {
      // The token file appears during startup; until then (and until the port listens) the probe fails.
      firstHealth.push(await timeUntil(polled.spawnedAt, async () => healthOk(polled.url, polled.token(), 500), 10_000, 5));
    } finally {
      await polled.stop();
    }
  }
  return { readyMs: summarize(ready), firstHealthMs: summarize(firstHealth) };
}

/**
 * "With a model configured" (issue 9): an OpenAI-compatible provider and the agent's primary model.
 * Nothing listens at the base URL; at idle no call is made, so the model SDK must not even load.
 */
export const BENCH_MODEL_CONFIG: Record<string, unknown> = {
  models: { providers: { bench: { baseUrl: 'http://127.0.0.1:9/v1', api: 'openai-completions', apiKey: 'bench-key', models: [{ id: 'bench-model', name: 'bench-model' }] } } },
  agents: { defaults: { model: { primary: 'bench/bench-model' } } },
};

/** A gateway for the steady-state measurements, ready and idle. */
export async function startSteadyGateway(config: Record<string, unknown> = {}): Promise<ClawgateProcess> {
  const gateway = await spawnClawgate(config);
  await waitUntil(async () => (await httpStatus(gateway.port, '/readyz')) === 200, 10_000, 10);
  return gateway;
}

export interface CliResult {
  clawgateHealthMs: Summary;
  nodeStartupMs: Summary;
}

/** `clawgate health` (local target, generated token from the state dir) vs bare `node -e 0`. */
export async function measureCli(gateway: ClawgateProcess, runs: number): Promise<CliResult> {
  const health: number[] = [];
  const bare: number[] = [];
  await timeCommand(process.execPath, [CLAWGATE_BIN, 'health'], gateway.cliEnv); // warm the page cache
  for (let run = 0; run < runs; run++) {
    health.push(await timeCommand(process.execPath, [CLAWGATE_BIN, 'health'], gateway.cliEnv));
    bare.push(await timeCommand(process.execPath, ['-e', '0'], gateway.cliEnv));
  }
  return { clawgateHealthMs: summarize(health), nodeStartupMs: summarize(bare) };
}

export interface LoadComparison {
  clients: number;
  gateway: LoadResult;
  echo: LoadResult;
  ratio: number;
}

/** `health` RPC closed loop against the gateway and the same loop against a raw ws echo server. */
export async function measureLoad(gateway: ClawgateProcess, concurrency: readonly number[], durationMs: number, warmupMs: number): Promise<LoadComparison[]> {
  const echo = await spawnEchoServer();
  try {
    const results: LoadComparison[] = [];
    for (const clients of concurrency) {
      const echoResult = await runLoad({ url: echo.url, token: undefined }, clients, durationMs, warmupMs);
      const gatewayResult = await runLoad({ url: gateway.url, token: gateway.token() }, clients, durationMs, warmupMs);
      results.push({ clients, gateway: gatewayResult, echo: echoResult, ratio: round(gatewayResult.rps / Math.max(1, echoResult.rps), 2) });
    }
    return results;
  } finally {
    await echo.stop();
  }
}

async function spawnEchoServer(): Promise<{ url: string; stop: () => Promise<void> }> {
  const script = fileURLToPath(new URL('./echo-server.js', import.meta.url));
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.setEncoding('utf8').once('data', (text: string) => resolve(Number(text.trim())));
    child.once('exit', (code) => reject(new Error(`echo server exited ${code}`)));
  });
  return {
    url: `ws://127.0.0.1:${port}`,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface MemoryResult {
  /** A bare `node -e 'setInterval(…)'` measured in the same run: what any Node daemon starts from. */
  /** Absent in results from before it was measured. */
  bareNodeRssMb?: number;
  idleRssMb: number;
  connections: number;
  rssWithConnectionsMb: number;
  perConnectionKb: number;
}

/** Idle RSS of a fresh gateway, then RSS with `count` authenticated idle connections. */
export async function measureMemory(count: number, settleMs: number): Promise<MemoryResult> {
  const bare = spawnBareNode();
  let bareRss: number;
  try {
    await sleep(settleMs);
    bareRss = rssBytes(bare.pid);
  } finally {
    await bare.stop();
  }
  const gateway = await startSteadyGateway();
  try {
    await sleep(settleMs);
    const pid = gateway.process.child.pid!;
    const idle = rssBytes(pid);
    const clients = await openClients({ url: gateway.url, token: gateway.token() }, count);
    await sleep(settleMs);
    const loaded = rssBytes(pid);
    closeClients(clients);
    return {
      bareNodeRssMb: round(bareRss / MB),
      idleRssMb: round(idle / MB),
      connections: count,
      rssWithConnectionsMb: round(loaded / MB),
      perConnectionKb: round((loaded - idle) / count / 1024),
    };
  } finally {
    await gateway.stop();
  }
}

export interface WithModelResult {
  readyMs: Summary;
  clawgateHealthMs: Summary;
  idleRssMb: number;
}

/** Ready time, CLI wall time and idle RSS with BENCH_MODEL_CONFIG: must match the figures without a model. */
export async function measureWithModel(startRuns: number, cliRuns: number, settleMs: number): Promise<WithModelResult> {
  const ready: number[] = [];
  for (let run = 0; run < startRuns; run++) {
    const gateway = await spawnClawgate(BENCH_MODEL_CONFIG);
    try {
      ready.push(await timeUntil(gateway.spawnedAt, async () => (await httpStatus(gateway.port, '/readyz')) === 200, 10_000, 5));
    } finally {
      await gateway.stop();
    }
  }
  const gateway = await startSteadyGateway(BENCH_MODEL_CONFIG);
  try {
    // Idle RSS first, as measureMemory does on a fresh gateway: the CLI runs' connections leave garbage behind.
    await sleep(settleMs);
    const idleRssMb = round(rssBytes(gateway.process.child.pid!) / MB);
    const cli = await measureCli(gateway, cliRuns);
    return { readyMs: summarize(ready), clawgateHealthMs: cli.clawgateHealthMs, idleRssMb };
  } finally {
    await gateway.stop();
  }
}

export interface OpenClawResult {
  version: string;
  startToReadyzMs: number | null;
  startToFirstHealthMs: number;
  idleRssMb: number;
  idleTreeRssMb: number;
  cliGatewayHealthMs: Summary;
}

/** The real OpenClaw gateway (from the interop install): start → first health, idle RSS, CLI wall time. */
export async function measureOpenClaw(cliRuns: number): Promise<OpenClawResult> {
  const install = findOpenClawInstall();
  const isolated = createIsolatedEnv(install);
  const port = await findFreePort();
  const token = 'bench-token-0123456789abcdef';
  const url = `ws://127.0.0.1:${port}`;
  const spawnedAt = performance.now();
  const daemon = spawnDaemon(install.openclawBin, ['gateway', 'run', '--port', String(port), '--bind', 'loopback', '--auth', 'token', '--token', token, '--allow-unconfigured'], isolated.env);
  try {
    let readyzMs: number | null = null;
    const firstHealthMs = await timeUntil(
      spawnedAt,
      async () => {
        if (readyzMs === null && (await httpStatus(port, '/readyz')) === 200) readyzMs = performance.now() - spawnedAt;
        return healthOk(url, token, 2000);
      },
      120_000,
      100,
    );
    await sleep(5000);
    const pid = daemon.child.pid!;
    const idleRss = rssBytes(pid);
    const treeRss = treeRssBytes(pid);
    const cli: number[] = [];
    for (let run = 0; run < cliRuns; run++) {
      cli.push(await timeCommand(install.openclawBin, ['gateway', 'health', '--url', url, '--token', token], isolated.env, 60_000));
    }
    return {
      version: '2026.9.6',
      startToReadyzMs: readyzMs === null ? null : round(readyzMs),
      startToFirstHealthMs: round(firstHealthMs),
      idleRssMb: round(idleRss / MB),
      idleTreeRssMb: round(treeRss / MB),
      cliGatewayHealthMs: summarize(cli),
    };
  } finally {
    await daemon.stop(15_000);
    isolated.remove();
  }
}
