/**
 * @module node-host/commands/system-run — `system.run {command: argv[], cwd?, env?, timeoutMs?}`.
 *
 * No shell: argv[0] is resolved on the node host's own PATH and started directly. It must pass the
 * local exec-approvals policy first (deny by default); any `approved` flag in the params is ignored.
 * Output is capped per stream (`truncated` says so); a run past its timeout is killed (`timedOut`).
 * Result shape follows OpenClaw's node host: `{exitCode, timedOut, success, stdout, stderr, error}`.
 */
import { spawn } from 'node:child_process';
import Type from 'typebox';
import { GatewayError, compileSchema } from '../../protocol/index.js';
import { isExecAllowed, loadExecApprovals, resolveExecutable } from '../exec-approvals.js';
import type { CommandHandler } from './types.js';

/** Largest stdout or stderr kept, in bytes. */
export const SYSTEM_RUN_MAX_OUTPUT_BYTES = 256 * 1024;
/** Default run timeout when neither the caller nor the gateway gives one. */
export const SYSTEM_RUN_DEFAULT_TIMEOUT_MS = 30_000;

const Params = compileSchema(
  Type.Object(
    {
      command: Type.Array(Type.String({ maxLength: 32_768 }), { minItems: 1, maxItems: 1024 }),
      cwd: Type.Optional(Type.String({ minLength: 1 })),
      env: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Type.String())),
      timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400_000 })),
    },
    // OpenClaw gateways add rawCommand, systemRunPlan, agentId …; they do not change what runs here.
    { additionalProperties: true },
  ),
);

/**
 * The only environment names a caller may set (locale, time zone, terminal and colour hints). An
 * allowlist, never a denylist: a denylist missed `BASH_FUNC_name%%`, which lets a caller define a
 * function inside an allowlisted bash script (security hole 7), and the next loader variable will be
 * missed the same way. Every other name the caller sends is dropped.
 */
const ALLOWED_CALLER_ENV = /^(LANG|LANGUAGE|LC_[A-Z]+|TZ|TERM|COLUMNS|LINES|NO_COLOR|FORCE_COLOR|CLICOLOR)$/;

/** After the child exits, how long its pipes may keep delivering output (a daemon it left can hold them open). */
export const SYSTEM_RUN_DRAIN_MS = 200;

export interface SystemRunResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  success: boolean;
  stdout: string;
  stderr: string;
  truncated: boolean;
  error: null;
}

export const systemRun: CommandHandler = async (params, { searchPath, execApprovalsPath, deadlineMs }) => {
  if (!Params.check(params)) throw new GatewayError('NODE_HOST_INVALID_PARAMS', { command: 'system.run', reason: Params.explain(params) });
  const [name = '', ...args] = params.command;
  const cwd = params.cwd ?? process.cwd();
  const executable = resolveExecutable(name, searchPath, cwd);
  if (executable === undefined) throw new GatewayError('SYSTEM_RUN_FAILED', { executable: name, reason: 'not an executable file on this node' });
  const loaded = loadExecApprovals(execApprovalsPath);
  if (!loaded.ok) throw new GatewayError('SYSTEM_RUN_DENIED', { executable, reason: loaded.reason });
  if (!isExecAllowed(loaded.approvals, executable)) throw new GatewayError('SYSTEM_RUN_DENIED', { executable, reason: 'not in the exec allowlist' });
  const env = buildRunEnv(process.env, params.env ?? {});
  const timeoutMs = Math.min(params.timeoutMs ?? SYSTEM_RUN_DEFAULT_TIMEOUT_MS, deadlineMs ?? Number.MAX_SAFE_INTEGER);
  return runProcess(executable, args, { cwd, env, timeoutMs });
};

/**
 * The child's environment: the node host's own, minus any inherited `BASH_FUNC_*` definitions, plus
 * the caller's values for allowlisted names only.
 */
export function buildRunEnv(base: NodeJS.ProcessEnv, requested: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) if (!key.startsWith('BASH_FUNC_')) env[key] = value;
  for (const [key, value] of Object.entries(requested)) if (ALLOWED_CALLER_ENV.test(key)) env[key] = value;
  return env;
}

/**
 * Runs the child in its own process group (detached) so a timeout kills everything it started, not
 * only the direct child: `sh -c 'sleep 5; …'` used to keep the run waiting for the grandchild's pipes
 * and leave it running (issue 8). Resolves on the child's `exit` after at most SYSTEM_RUN_DRAIN_MS of
 * output draining, so a background process holding the pipes cannot stall the reply either.
 */
function runProcess(executable: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<SystemRunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(executable, args, { cwd: options.cwd, env: options.env, shell: false, detached: true, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const stdout = new CappedBuffer(SYSTEM_RUN_MAX_OUTPUT_BYTES);
    const stderr = new CappedBuffer(SYSTEM_RUN_MAX_OUTPUT_BYTES);
    let timedOut = false;
    let isSettled = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      if (isSettled) return;
      isSettled = true;
      reject(new GatewayError('SYSTEM_RUN_FAILED', { executable, reason: error.message }));
    });
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null): void => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(drainTimer);
      child.stdout.destroy();
      child.stderr.destroy();
      resolvePromise({
        exitCode,
        signal,
        timedOut,
        success: exitCode === 0 && !timedOut,
        stdout: stdout.text(),
        stderr: stderr.text(),
        truncated: stdout.isTruncated || stderr.isTruncated,
        error: null,
      });
    };
    let drainTimer: NodeJS.Timeout | undefined;
    child.on('exit', (exitCode, signal) => {
      clearTimeout(timer);
      // A timed-out run's group is already dead; otherwise give the pipes a bounded time to drain.
      drainTimer = setTimeout(() => finish(exitCode, signal), SYSTEM_RUN_DRAIN_MS);
      child.once('close', () => finish(exitCode, signal));
    });
  });
}

/** SIGKILLs the whole process group led by `pid` (the child was spawned detached, so pgid = pid). */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
}

/** Keeps the first `limitBytes` of a stream and remembers whether more arrived. */
class CappedBuffer {
  readonly #chunks: Buffer[] = [];
  #size = 0;
  isTruncated = false;

  constructor(readonly limitBytes: number) {}

  push(chunk: Buffer): void {
    const room = this.limitBytes - this.#size;
    if (room <= 0) {
      this.isTruncated = true;
      return;
    }
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (kept.length < chunk.length) this.isTruncated = true;
    this.#chunks.push(kept);
    this.#size += kept.length;
  }

  text(): string {
    return Buffer.concat(this.#chunks).toString('utf8');
  }
}
