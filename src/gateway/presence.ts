/**
 * @module gateway/presence — who is connected, as `system-presence` entries.
 *
 * The gateway's own entry (`reason: "self"`) comes first; then one entry per connected client keyed
 * by device id, instance id or connection id. CLI clients are not tracked (they connect for one call),
 * as in OpenClaw.
 */
import { hostname, networkInterfaces, platform, release } from 'node:os';
import { deviceFamilyFor, type ClientInfo, type PresenceEntry } from '../protocol/index.js';

/** About how long one serialized entry is (200–300 bytes): the pacing estimate (paced-flush.ts). */
export const PRESENCE_ENTRY_BYTES = 256;

/** How long a serialized presence list may be reused while nothing changed (ms). */
const LIST_JSON_MAX_AGE_MS = 1000;
/** How long it may be reused although presence changed (many clients connecting at once) (ms). */
const LIST_JSON_RAMP_REUSE_MS = 250;

/** A serialized presence list and the presence version it shows. */
export interface PresenceSnapshotJson {
  readonly version: number;
  readonly atMs: number;
  readonly text: string;
  readonly bytes: Buffer;
}

export interface PresenceClient {
  connId: string;
  client: ClientInfo;
  role: string;
  scopes: readonly string[];
  remoteAddress: string;
  deviceId?: string | undefined;
}

export class PresenceRegistry {
  readonly #self: PresenceEntry;
  readonly #entries = new Map<string, { key: string; entry: PresenceEntry }>();
  readonly #now: () => number;
  /** Bumped on every change; part of `stateVersion`. */
  version = 1;
  #snapshotJson: PresenceSnapshotJson | undefined;

  constructor(options: { version: string; instanceId: string; now: () => number }) {
    this.#now = options.now;
    const host = hostname();
    const ip = primaryIPv4();
    const nowMs = options.now();
    this.#self = {
      host,
      ip,
      version: options.version,
      platform: `${platform()} ${release()}`,
      deviceFamily: deviceFamilyFor(platform()),
      mode: 'gateway',
      reason: 'self',
      instanceId: options.instanceId,
      text: `Gateway: ${host} (${ip}) · clawgate ${options.version} · mode gateway · reason self`,
      ts: nowMs,
      onlineSince: nowMs,
    };
  }

  /** Records a connected client; returns false when the client is not tracked (CLI one-shots). */
  add(client: PresenceClient): boolean {
    if (client.client.mode === 'cli' || client.client.mode === 'probe') return false;
    const key = client.deviceId ?? client.client.instanceId ?? client.connId;
    const entry: PresenceEntry = {
      host: client.client.displayName ?? client.client.id,
      ip: client.remoteAddress,
      version: client.client.version,
      platform: client.client.platform,
      mode: client.client.mode,
      reason: 'connect',
      roles: [client.role],
      scopes: [...client.scopes],
      ts: this.#now(),
    };
    if (client.client.deviceFamily !== undefined) entry.deviceFamily = client.client.deviceFamily;
    if (client.client.instanceId !== undefined) entry.instanceId = client.client.instanceId;
    if (client.deviceId !== undefined) entry.deviceId = client.deviceId;
    this.#entries.set(client.connId, { key, entry });
    this.version++;
    return true;
  }

  /** Forgets a connection; returns true when presence changed. */
  remove(connId: string): boolean {
    const removed = this.#entries.delete(connId);
    if (removed) this.version++;
    return removed;
  }

  /**
   * `list()` serialized (text and UTF-8 bytes) with the `version` it shows. hello-ok carries the whole
   * list to every connecting reader, and serializing 3,000 entries for each of 3,000 connects was most
   * of a 5,000-connection ramp: so a serialization is reused while it shows the current version (up
   * to LIST_JSON_MAX_AGE_MS, for the gateway's own `ts`), and during a ramp, when every connect
   * changes the list, for LIST_JSON_RAMP_REUSE_MS. A reused older list is sent with its own version
   * in `stateVersion.presence`, so the client takes the next `presence` broadcast as newer.
   */
  snapshotJson(): PresenceSnapshotJson {
    const nowMs = this.#now();
    const cached = this.#snapshotJson;
    if (cached !== undefined) {
      const ageMs = nowMs - cached.atMs;
      if (ageMs < LIST_JSON_RAMP_REUSE_MS || (cached.version === this.version && ageMs < LIST_JSON_MAX_AGE_MS)) return cached;
    }
    const text = JSON.stringify(this.list());
    this.#snapshotJson = { version: this.version, atMs: nowMs, text, bytes: Buffer.from(text) };
    return this.#snapshotJson;
  }

  list(): PresenceEntry[] {
    const byKey = new Map<string, PresenceEntry>();
    for (const { key, entry } of this.#entries.values()) byKey.set(key, entry);
    return [{ ...this.#self, ts: this.#now() }, ...byKey.values()];
  }
}

function primaryIPv4(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) return address.address;
    }
  }
  return '127.0.0.1';
}
