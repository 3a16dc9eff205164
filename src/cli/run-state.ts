/**
 * @module cli/run-state — `<stateDir>/gateway-run.json`: what the foreground gateway started by this
 * CLI uses (pid, port, where its secret came from — never the secret), so a local CLI whose
 * credential is refused can say why (a `--token` gateway ignores the generated token), and so
 * `doctor` can tell our port owner from another program.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a running gateway records about itself; no secret values. */
export interface GatewayRunState {
  pid: number;
  port: number;
  bind: string;
  authMode: string;
  /** `--token`, `CLAWGATE_GATEWAY_TOKEN`, `gateway.auth.token`, `generated (<path>)`, … */
  authSource: string;
  startedAtMs: number;
}

/** The run-state file path for a state dir. */
export function runStatePath(stateDir: string): string {
  return join(stateDir, 'gateway-run.json');
}

/** Writes the run state (mode 0600); failures are ignored: it is a diagnostic aid only. */
export function writeRunState(stateDir: string, state: GatewayRunState): void {
  try {
    writeFileSync(runStatePath(stateDir), `${JSON.stringify(state)}\n`, { mode: 0o600 });
  } catch {
    // A read-only state dir must not stop the gateway; advice just gets less specific.
  }
}

/** Removes the run state if it still belongs to `pid`. */
export function clearRunState(stateDir: string, pid: number): void {
  if (readRunState(stateDir)?.pid === pid) rmSync(runStatePath(stateDir), { force: true });
}

/** Reads the run state of a gateway that is still alive (a stale file from a crash reads as undefined). */
export function readRunState(stateDir: string): GatewayRunState | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(runStatePath(stateDir), 'utf8'));
  } catch {
    return undefined;
  }
  if (!isRunState(parsed) || !isAlive(parsed.pid)) return undefined;
  return parsed;
}

function isRunState(value: unknown): value is GatewayRunState {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record['pid'] === 'number' && typeof record['port'] === 'number' && typeof record['authSource'] === 'string';
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return typeof error === 'object' && error !== null && 'code' in error && error.code === 'EPERM';
  }
}
