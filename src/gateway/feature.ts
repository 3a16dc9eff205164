/**
 * @module gateway/feature — the one seam through which a feature (agent, a channel, the UI) plugs in.
 *
 * A feature is a plain object: what it adds (methods, events, migrations, HTTP routes, a config
 * section with its secrets marked) and when it runs (start/stop hooks, ordered by `dependsOn`). The
 * core never imports a feature: the composition root (src/daemon/start.ts) hands the list to the
 * gateway. Handlers close over the feature's own runtime, built in `onReady` from the context.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { TSchema } from 'typebox';
import type { EventDefinition, GatewayError, HealthSummary, NodeEntry, NodeInvokeParams, NodeInvokeResult, StatusResult } from '../protocol/index.js';
import type { LoadedConfig } from '../config/index.js';
import type { Logger, SecretRegistry } from '../logging/index.js';
import type { Migration, StateStore } from '../store/index.js';
import type { Clock } from '../time/index.js';
import type { EventBus } from './event-bus.js';
import type { HttpRoute } from './http/router.js';
import type { MethodDefinition } from './method-registry.js';
import type { DispatchHooks } from './dispatch-hooks.js';

/** `hello-ok.snapshot.sessionDefaults` (OpenClaw); the agent feature supplies the real ones. */
export interface SessionDefaults {
  defaultAgentId: string;
  mainKey: string;
  mainSessionKey: string;
  scope?: string;
  /** Whether the agent has a model configured (OpenClaw 2026.9.6 sends it). */
  modelConfigured?: boolean;
  ownership?: 'sole' | 'legacy' | 'explicit';
  selectionRequired?: boolean;
}

/** Ready, or not ready with a short reason for the log (never shown on the unauthenticated probe). */
export type FeatureReadiness = { ready: true } | { ready: false; reason: string };

/** A top-level config section a feature owns (`models`, `agents`, `channels` …). */
export interface FeatureConfigSection {
  /** The top-level key in clawgate.json. */
  readonly key: string;
  /** Its schema; mark secret strings with `Secret()` from config/ so every redaction knows them. */
  readonly schema: TSchema;
}

export interface GatewayFeature {
  /** Unique; also the owner of its migrations (`agent`, `telegram`, `control-ui`). */
  readonly name: string;
  /** Features that must start before this one (FEATURE_DEPENDENCY_MISSING when absent). */
  readonly dependsOn?: readonly string[];
  readonly methods?: readonly MethodDefinition[];
  readonly events?: readonly EventDefinition[];
  /** Owner must equal `name`; versions count from 1 per owner. */
  readonly migrations?: readonly Migration[];
  readonly httpRoutes?: readonly HttpRoute[];
  readonly config?: FeatureConfigSection;
  /** Dispatcher lifecycle hooks (timing, audit) this feature adds. */
  readonly dispatchHooks?: DispatchHooks;
  /** Adds this feature's part to the `health` snapshot (channels, agents, sessions); mutate in place. */
  contributeHealth?(snapshot: HealthSummary): void;
  /** Adds this feature's part to `status` (channels, sessions); mutate in place. */
  contributeStatus?(status: StatusResult): void;
  /** The session defaults `hello-ok` advertises (the last feature that gives them wins). */
  sessionDefaults?(): SessionDefaults;
  /** Consulted by `/readyz`; a feature that is not ready makes the gateway answer 503. */
  readiness?(): FeatureReadiness;
  /** Runs at start, before the gateway listens, in dependency order. */
  onReady?(context: FeatureContext): void | Promise<void>;
  /** Runs first at stop, in reverse order: stop taking new work (a channel stops polling). */
  preClose?(): void | Promise<void>;
  /** Runs after every socket closed, in reverse order, while the store is still open. */
  onClose?(): void | Promise<void>;
}

/** A decision the gateway's own exec approval flow made (the agent's `exec.approval.resolve`). */
export interface GatewayExecApproval {
  /** The approval id; becomes the `system.run` runId, as in OpenClaw (§6.3). */
  id: string;
  decision: 'allow-once' | 'allow-always';
}

/** Nodes as a feature's tools see them: list, and invoke with an abort signal. */
export interface NodeInvokerPort {
  list(): NodeEntry[];
  /**
   * Invokes a node command through the same gates as `node.invoke` (connected, approved, allowed by
   * policy; admin-only commands need `operator.admin` in `scopes`). Aborting `signal` fails it with
   * REQUEST_ABORTED. No dedupe here: callers pick a fresh idempotencyKey per call.
   *
   * Approval fields in `params` (`approved`, `approvalDecision`, …) are always dropped, as for
   * `node.invoke`. Only `approval` adds them back to a `system.run` (`approved: true, approvalDecision`, `runId`): the flag an
   * OpenClaw node whose own policy asks needs to run `system.run` after the gateway's exec approval.
   * It exists on this in-process port alone, so no wire caller can set it.
   */
  invoke(params: NodeInvokeParams, options: { signal: AbortSignal; scopes: readonly string[]; approval?: GatewayExecApproval }): Promise<NodeInvokeResult>;
}

/** Cancels running requests (e.g. `chat.abort` aborting the `agent` request of a run). */
export interface RequestControl {
  /** Aborts the signal of request `requestId` on `connId`; false when it is not running. */
  abort(connId: string, requestId: string, reason?: string): boolean;
}

/** The gateway's own credential check for a feature's HTTP routes. */
export interface HttpAuth {
  /**
   * True when `request` carries the gateway's shared secret as `Authorization: Bearer <secret>`
   * (the token, or the password in password mode; always true with `auth: none`), compared in constant time.
   */
  isAuthorized(request: IncomingMessage): boolean;
}

/** What a feature gets at `onReady`. */
export interface FeatureContext {
  readonly store: StateStore;
  readonly events: EventBus;
  readonly nodes: NodeInvokerPort;
  readonly clock: Clock;
  /** A child logger tagged with `feature: <name>`. */
  readonly logger: Logger;
  readonly config: LoadedConfig;
  /** This feature's config section, already validated against its schema (undefined when absent). */
  readonly configSection: unknown;
  readonly secrets: SecretRegistry;
  readonly requests: RequestControl;
  readonly httpAuth: HttpAuth;
  /** The browser Host/Origin gate of the WebSocket upgrade, for a feature's own HTTP routes. */
  readonly browserAccess: BrowserAccessGate;
}

/** The upgrade's browser checks, applied by a feature to plain HTTP (undefined = allowed). */
export interface BrowserAccessGate {
  /** Host must be the gateway's own name (DNS rebinding); a coded refusal otherwise. */
  checkHost(headers: IncomingHttpHeaders): GatewayError | undefined;
  /** The full upgrade check: Host, and Origin when present. */
  check(headers: IncomingHttpHeaders): GatewayError | undefined;
}
