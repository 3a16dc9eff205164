/** @module gateway/services — the named services method handlers share (methods never import each other). */
import type { HealthMonitor } from './health-monitor.js';
import type { PresenceRegistry } from './presence.js';
import type { LogReader } from './log-reader.js';
import type { NodeService } from './nodes/service.js';
import type { AuthMode, StatusResult } from '../protocol/index.js';
import type { LoadedConfig } from '../config/index.js';
import type { DeviceAdmin } from './pairing/device-admin.js';
import type { EventJournals } from './event-journal.js';

/** Facts about the running gateway, for `status`. */
export interface RuntimeInfo {
  readonly version: string;
  readonly pid: number;
  readonly startedAtMs: () => number;
  readonly bind: string;
  readonly port: () => number;
  readonly addresses: () => string[];
  readonly tls: boolean;
  /** SHA-256 of the served certificate's DER (64 hex), when TLS is on. */
  readonly tlsFingerprint: string | undefined;
  readonly warnings: readonly string[];
  /** Tailscale Serve/Funnel managed by this gateway, if any. */
  readonly tailscale: () => { mode: string; url?: string } | undefined;
  readonly authMode: AuthMode;
  readonly connectionCounts: () => { total: number; operators: number; nodes: number };
}

export interface GatewayServices {
  readonly health: HealthMonitor;
  readonly presence: PresenceRegistry;
  readonly logs: LogReader;
  /** The config the gateway started with (secrets are redacted by `config.get`, not here). */
  readonly config: LoadedConfig;
  readonly runtime: RuntimeInfo;
  /** Device pairing and device tokens (device.* methods). */
  readonly devices: DeviceAdmin;
  /** Connected nodes, their approved command surfaces, and invoke routing. */
  readonly nodes: NodeService;
  readonly now: () => number;
  /** Lets features add their part of `status` (channels, sessions); mutates `status`. */
  readonly contributeStatus: (status: StatusResult) => void;
  /** Replay windows for `events.resume` (Clawgate extension). */
  readonly eventJournals: EventJournals;
}
