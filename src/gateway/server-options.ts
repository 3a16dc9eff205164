/** @module gateway/server-options — what the composition root hands the gateway server (see daemon/start.ts). */
import type { LoadedConfig } from '../config/index.js';
import type { Logger, SecretRegistry } from '../logging/index.js';
import type { StateStore } from '../store/index.js';
import type { Clock } from '../time/index.js';
import type { GatewayFeature } from './feature.js';
import type { TlsMaterial } from './http/tls.js';
import type { MethodDefinition } from './method-registry.js';
import type { NodeSurfaceStore } from './nodes/surface-store.js';
import type { GatewaySettings } from './settings.js';
import type { TailscaleIdentityVerifier } from './tailscale/identity.js';

export interface GatewayServerOptions {
  settings: GatewaySettings;
  config: LoadedConfig;
  logger: Logger;
  secrets: SecretRegistry;
  /** Features plugged in through the seam (gateway/feature.ts), in any order; see daemon/start.ts. */
  features?: readonly GatewayFeature[];
  /** Extra method families without a feature around them (tests). */
  methodFamilies?: readonly (readonly MethodDefinition[])[];
  /** Time and timers for everything in the core (tick, handshake, presence, invokes, rate limits). */
  clock?: Clock;
  createId?: () => string;
  /** Validate every result, ack and event payload against its schema (tests). */
  shouldValidateResults?: boolean;
  /** Durable state; default: `<stateDir>/state/clawgate.sqlite` with the features' migrations, closed by `stop()`. */
  store?: StateStore;
  /** Where approved node command surfaces live (default: the state store's SQLite tables). */
  nodeSurfaceStore?: NodeSurfaceStore;
  /** Serve HTTPS/WSS (TLS 1.3 minimum) on the same port with this certificate. */
  tls?: TlsMaterial | undefined;
  /** `gateway.auth.allowTailscale`: verifies Tailscale Serve identity headers on upgrade requests. */
  tailscaleIdentity?: TailscaleIdentityVerifier | undefined;
  /** Serve/Funnel state for `status`, once the exposure is up. */
  tailscaleStatus?: () => { mode: string; url?: string } | undefined;
  /** Requests one connection may run at once (default 64). */
  maxInFlightPerConnection?: number;
  /** How long a peer gets to answer a close frame before it is cut off (default 2000 ms). */
  closeTimeoutMs?: number;
}
