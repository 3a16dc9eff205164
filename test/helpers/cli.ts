/** @module test/helpers/cli — run the CLI in-process or as a real child process and capture its output. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/index.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `clawgate <args>` in this process with its own env (fast; no spawn). */
export async function runCliInProcess(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
  });
  return { code, stdout, stderr };
}

/** `env` plus NODE_OPTIONS that load test/helpers/port-guard.ts in the child (no CLI run may reach port 18789). */
export function withPortGuard(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const guard = `--import=${fileURLToPath(new URL('./port-guard.js', import.meta.url))}`;
  return { ...env, NODE_OPTIONS: [env['NODE_OPTIONS'], guard].filter((part) => part !== undefined && part !== '').join(' ') };
}

/** Path of bin/clawgate.js, resolved from the compiled test location (dist/test/helpers). */
export const CLAWGATE_BIN = fileURLToPath(new URL('../../../bin/clawgate.js', import.meta.url));

/** Spawns `node bin/clawgate.js <args>` and resolves when it exits. */
export function runCliProcess(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 15_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLAWGATE_BIN, ...args], { env: withPortGuard(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`clawgate ${args.join(' ')} timed out; stdout=${stdout} stderr=${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
