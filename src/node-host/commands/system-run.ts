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

/** Environment names a caller may not set: they change how programs load code (OpenClaw exec doc). */
const BLOCKED_ENV = /^(PATH|NODE_OPTIONS|NODE_PATH|PYTHONPATH|PYTHONHOME|PYTHONSTARTUP|PERL5LIB|PERL5OPT|RUBYOPT|RUBYLIB|BASH_ENV|ENV|SHELLOPTS|IFS|LD_.*|DYLD_.*)$/;

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
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(params.env ?? {})) if (!BLOCKED_ENV.test(key)) env[key] = value;
  const timeoutMs = Math.min(params.timeoutMs ?? SYSTEM_RUN_DEFAULT_TIMEOUT_MS, deadlineMs ?? Number.MAX_SAFE_INTEGER);
  return runProcess(executable, args, { cwd, env, timeoutMs });
};

function runProcess(executable: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<SystemRunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(executable, args, { cwd: options.cwd, env: options.env, shell: false, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const stdout = new CappedBuffer(SYSTEM_RUN_MAX_OUTPUT_BYTES);
    const stderr = new CappedBuffer(SYSTEM_RUN_MAX_OUTPUT_BYTES);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new GatewayError('SYSTEM_RUN_FAILED', { executable, reason: error.message }));
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
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
    });
  });
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
