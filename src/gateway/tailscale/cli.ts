/**
 * @module gateway/tailscale/cli — run the `tailscale` CLI found on the gateway's PATH.
 *
 * One small runner shared by Serve/Funnel exposure and identity checks. Output is read as JSON where
 * asked for (`--json`); failures carry the CLI's own stderr line.
 */
import { execFile } from 'node:child_process';

export interface TailscaleRunResult {
  stdout: string;
}

/** Runs `tailscale <args>`; rejects with the CLI's stderr (or the spawn error) on failure. */
export type TailscaleRunner = (args: readonly string[], timeoutMs?: number) => Promise<TailscaleRunResult>;

/** The default runner: `tailscale` from `env.PATH`, 400 KB output cap (status --json is noisy). */
export function createTailscaleRunner(env: NodeJS.ProcessEnv = process.env, command = 'tailscale'): TailscaleRunner {
  return (args, timeoutMs = 15_000) =>
    new Promise((resolve, reject) => {
      execFile(command, [...args], { env, timeout: timeoutMs, maxBuffer: 400 * 1024 }, (error, stdout, stderr) => {
        if (error !== null) {
          const code = (error as NodeJS.ErrnoException).code;
          const detail = code === 'ENOENT' ? 'the tailscale CLI is not on PATH' : (stderr.trim().split('\n').at(-1) ?? '') || error.message;
          reject(new Error(detail));
          return;
        }
        resolve({ stdout });
      });
    });
}
