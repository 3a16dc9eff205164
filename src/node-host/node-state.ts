/**
 * @module node-host/node-state — the node host's files under `<stateDir>/node/` (dir 0700, files 0600).
 *
 * - `device.json`: the Ed25519 device identity (client/node/device-identity.ts); its id is the node id.
 * - `device-auth.json`: the device token the gateway issued in `hello-ok.auth.deviceToken`.
 * - `node.json`: the stable `client.instanceId` and display name.
 * - `exec-approvals.json`: the local system.run allowlist (exec-approvals.ts).
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface NodeStatePaths {
  dir: string;
  identityPath: string;
  deviceAuthPath: string;
  configPath: string;
  execApprovalsPath: string;
}

export function resolveNodeStatePaths(stateDir: string): NodeStatePaths {
  const dir = join(stateDir, 'node');
  return {
    dir,
    identityPath: join(dir, 'device.json'),
    deviceAuthPath: join(dir, 'device-auth.json'),
    configPath: join(dir, 'node.json'),
    execApprovalsPath: join(dir, 'exec-approvals.json'),
  };
}

/** Writes `value` as JSON atomically (temp file + rename) with mode 0600. */
export function writePrivateJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, path);
}

/** Parsed JSON at `path`, or undefined when the file does not exist or is not JSON. */
export function readJsonFile(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

interface StoredDeviceAuth {
  version: 1;
  deviceId: string;
  role: 'node';
  token: string;
  updatedAtMs: number;
}

/** The stored device token for `deviceId`, if the gateway issued one. */
export function loadDeviceToken(path: string, deviceId: string): string | undefined {
  const stored = readJsonFile(path) as Partial<StoredDeviceAuth> | undefined;
  if (stored?.deviceId !== deviceId || typeof stored.token !== 'string' || stored.token === '') return undefined;
  return stored.token;
}

export function saveDeviceToken(path: string, deviceId: string, token: string, nowMs: number): void {
  const stored: StoredDeviceAuth = { version: 1, deviceId, role: 'node', token, updatedAtMs: nowMs };
  writePrivateJson(path, stored);
}

export interface NodeHostConfig {
  version: 1;
  /** Sent as `client.instanceId`; stable across restarts. */
  instanceId: string;
  displayName?: string;
}

/** Loads `node.json`, creating it with a fresh instance id; a given display name is remembered. */
export function loadOrCreateNodeConfig(path: string, displayName: string | undefined): NodeHostConfig {
  const stored = readJsonFile(path) as Partial<NodeHostConfig> | undefined;
  const config: NodeHostConfig = { version: 1, instanceId: typeof stored?.instanceId === 'string' ? stored.instanceId : randomUUID() };
  const name = displayName ?? (typeof stored?.displayName === 'string' ? stored.displayName : undefined);
  if (name !== undefined) config.displayName = name;
  if (stored?.instanceId !== config.instanceId || stored.displayName !== config.displayName) writePrivateJson(path, config);
  return config;
}
