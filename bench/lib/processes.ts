/**
 * @module bench/lib/processes — spawn a real `clawgate gateway run`, probe it over HTTP, read its RSS.
 *
 * Every gateway gets its own temp state dir and a free loopback port; stop() sends SIGTERM to the
 * process group we created and waits for it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveStatePaths } from '../../src/config/index.js';
import { findFreePort, spawnDaemon, type RunningProcess } from '../../test/helpers/openclaw.js';

export const CLAWGATE_BIN = fileURLToPath(new URL('../../../bin/clawgate.js', import.meta.url));

export interface ClawgateProcess {
  process: RunningProcess;
  port: number;
  url: string;
  stateDir: string;
  /** Env under which `clawgate health` finds this gateway (state dir with its generated token + port). */
  cliEnv: NodeJS.ProcessEnv;
  /** ms since spawn (performance.now() based). */
  spawnedAt: number;
  token(): string;
  /** Stops the process (SIGTERM) and starts a new one on the same port and state dir. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Spawns `clawgate gateway run` on a free port with a generated token (the newcomer path); `config`
 * adds top-level sections to its clawgate.json (e.g. BENCH_MODEL_CONFIG, or `gateway.maxConnections`).
 */
export async function spawnClawgate(config: Record<string, unknown> & { gateway?: Record<string, unknown> } = {}): Promise<ClawgateProcess> {
  const stateDir = mkdtempSync(join(tmpdir(), 'clawgate-bench-'));
  const port = await findFreePort();
  writeFileSync(join(stateDir, 'clawgate.json'), JSON.stringify({ ...config, gateway: { ...config.gateway, port } }));
  const cliEnv: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '', HOME: stateDir, CLAWGATE_STATE_DIR: stateDir };
  // e.g. BENCH_GATEWAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the gateway under load.
  const nodeArgs = (process.env['BENCH_GATEWAY_NODE_ARGS'] ?? '').split(' ').filter((arg) => arg !== '');
  const spawnedAt = performance.now();
  const start = (): RunningProcess => spawnDaemon(process.execPath, [...nodeArgs, CLAWGATE_BIN, 'gateway', 'run'], cliEnv);
  let daemon = start();
  return {
    get process() {
      return daemon;
    },
    port,
    url: `ws://127.0.0.1:${port}`,
    stateDir,
    cliEnv,
    spawnedAt,
    token: () => readTokenFile(stateDir),
    restart: async () => {
      await daemon.stop(5000);
      daemon = start();
    },
    stop: async () => {
      await daemon.stop(5000);
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

function readTokenFile(stateDir: string): string {
  return readFileSync(resolveStatePaths({ env: { CLAWGATE_STATE_DIR: stateDir } }).tokenPath, 'utf8').trim();
}

/** GET http://127.0.0.1:port/path → status code (0 when the connection fails). */
export function httpStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const request = get({ host: '127.0.0.1', port, path, timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', () => resolve(0));
    request.on('timeout', () => {
      request.destroy();
      resolve(0);
    });
  });
}

/** A bare `node` process idling on a timer: the RSS floor any Node daemon starts from. */
export function spawnBareNode(): { pid: number; stop: () => Promise<void> } {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  return {
    pid: child.pid!,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Resident set size of one process, in bytes (Linux /proc). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (match === null) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]) * 1024;
}

/** RSS of a process and all its descendants, in bytes. */
export function treeRssBytes(pid: number): number {
  let total = rssBytes(pid);
  let children: string[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    children = [];
  }
  for (const child of children) {
    try {
      total += treeRssBytes(Number(child));
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

/** Runs a command to completion and returns wall time in ms (rejects on non-zero exit). */
export function timeCommand(command: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const child = spawn(command, [...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      const wallMs = performance.now() - startedAt;
      if (code === 0) resolve(wallMs);
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.slice(0, 500)}`));
    });
  });
}
