/**
 * @module node-host/exec-approvals — the node's own policy for `system.run`: an allowlist of executables.
 *
 * Deny by default: an executable runs only when its resolved real path is in `allow` and not in `deny`
 * (deny wins). The gateway cannot override this (OpenClaw advisory GHSA-gv46: approval is the node
 * host's decision). The file is read on every run, so `clawgate approvals allow|deny` applies at once.
 * A file that cannot be parsed denies everything.
 */
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { readJsonFile, writePrivateJson } from './node-state.js';

export interface ExecApprovals {
  version: 1;
  /** Real paths of executables system.run may start. */
  allow: string[];
  /** Real paths never started, even when also allowed. */
  deny: string[];
}

export type ExecApprovalsLoad = { ok: true; approvals: ExecApprovals } | { ok: false; reason: string };

/** Reads the policy; a missing file is the empty (deny-all) policy. */
export function loadExecApprovals(path: string): ExecApprovalsLoad {
  const raw = readJsonFile(path);
  if (raw === undefined) {
    try {
      statSync(path);
    } catch {
      return { ok: true, approvals: { version: 1, allow: [], deny: [] } };
    }
    return { ok: false, reason: `${path} is not valid JSON` };
  }
  if (typeof raw !== 'object' || raw === null || !isStringArray((raw as ExecApprovals).allow) || !isStringArray((raw as ExecApprovals).deny)) {
    return { ok: false, reason: `${path} must be {"version":1,"allow":[…],"deny":[…]}` };
  }
  const { allow, deny } = raw as ExecApprovals;
  return { ok: true, approvals: { version: 1, allow, deny } };
}

/** True when `executable` (an absolute path) may run under `approvals`. */
export function isExecAllowed(approvals: ExecApprovals, executable: string): boolean {
  const real = realPathOr(executable);
  if (approvals.deny.includes(real) || approvals.deny.includes(executable)) return false;
  return approvals.allow.includes(real) || approvals.allow.includes(executable);
}

/** Adds `executable` to the allowlist (and drops it from deny); returns the stored real path. */
export function allowExecutable(path: string, executable: string, searchPath: string | undefined): string {
  return update(path, executable, searchPath, 'allow');
}

/** Adds `executable` to the denylist (and drops it from allow); returns the stored real path. */
export function denyExecutable(path: string, executable: string, searchPath: string | undefined): string {
  return update(path, executable, searchPath, 'deny');
}

function update(path: string, executable: string, searchPath: string | undefined, list: 'allow' | 'deny'): string {
  const loaded = loadExecApprovals(path);
  if (!loaded.ok) throw new Error(loaded.reason);
  const resolved = resolveExecutable(executable, searchPath, process.cwd());
  if (resolved === undefined) throw new Error(`${executable} is not an executable file${executable.includes('/') ? '' : ' on PATH'}`);
  const real = realPathOr(resolved);
  const other = list === 'allow' ? 'deny' : 'allow';
  const approvals = loaded.approvals;
  approvals[other] = approvals[other].filter((entry) => entry !== real);
  if (!approvals[list].includes(real)) approvals[list].push(real);
  writePrivateJson(path, approvals);
  return real;
}

/**
 * Absolute path of `name`: a path with a slash is resolved against `cwd`; a bare name is looked up in
 * `searchPath` (the node host's own PATH; a caller cannot choose it). Undefined when not executable.
 */
export function resolveExecutable(name: string, searchPath: string | undefined, cwd: string): string | undefined {
  if (name.includes('/')) {
    const candidate = isAbsolute(name) ? name : resolve(cwd, name);
    return isExecutableFile(candidate) ? candidate : undefined;
  }
  for (const dir of (searchPath ?? '').split(delimiter)) {
    if (dir === '' || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function realPathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((entry) => typeof entry === 'string');
}
