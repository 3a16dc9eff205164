/**
 * @module gateway/server — the gateway: one port for HTTP and WebSocket, its services, features and events.
 *
 * Composes the core (pairing, nodes, presence, health, dispatcher, event bus, HTTP routes) with the
 * features it is handed, then listens. Ready as soon as `start()` resolves: every feature's `onReady`
 * ran, every listener is bound and every validator compiled, so the first client is served at once
 * (OpenClaw listens first and answers 1013 "gateway starting"). Connection handling lives in
 * connection-lifecycle.ts, the upgrade checks in upgrade-gate.ts, event delivery in event-bus.ts.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import {
  CLAWGATE_VERSION,
  CORE_EVENTS,
  CloseCode,
  presenceEvent,
  shutdownEvent,
  tickEvent,
  type HelloOk,
  type PresenceEntry,
} from '../protocol/index.js';
import { ownerSocketPathFor } from '../config/index.js';
import type { Logger } from '../logging/index.js';
import { StateStore } from '../store/index.js';
import { systemClock, type Clock, type TimerHandle } from '../time/index.js';
import type { AcceptedConnect } from './handshake.js';
import { AuthRateLimiter } from './pairing/auth-rate-limit.js';
import { BrowserAccessPolicy } from './http/browser-access.js';
import { ConnectionLifecycle } from './connection-lifecycle.js';
import { UpgradeGate } from './upgrade-gate.js';
import { Dispatcher } from './dispatcher.js';
import { EventBus, type EventTarget } from './event-bus.js';
import { FeatureHost } from './feature-host.js';
import { createFeatureContext } from './feature-context.js';
import { HealthBroadcast } from './health-broadcast.js';
import { HealthMonitor } from './health-monitor.js';
import { createProbeRoutes } from './http/routes.js';
import { HttpRouter } from './http/router.js';
import { buildHelloOk, canSeePresence, spliceHelloResponse, type SplicedHelloResponse } from './hello.js';
import { bindListeners, closeServers } from './http/listeners.js';
import { Admission } from './http/admission.js';
import { hardenHttpServer, listenOwnerSocket, type OwnerChannel } from './http/owner-listener.js';
import { SendBudget } from './send-budget.js';
import { LogReader } from './log-reader.js';
import { MethodRegistry } from './method-registry.js';
import { BUILTIN_METHOD_FAMILIES } from './methods/index.js';
import { PRESENCE_ENTRY_BYTES, PresenceRegistry } from './presence.js';
import { PacedFlush } from './paced-flush.js';
import { EventJournals } from './event-journal.js';
import { DeviceAdmin } from './pairing/device-admin.js';
import { PairingService, type PairingDeps } from './pairing/service.js';
import type { SharedSecretAuth } from './pairing/shared-secret.js';
import { NodeService } from './nodes/service.js';
import type { GatewayServices } from './services.js';
import type { GatewayServerOptions } from './server-options.js';

export type { GatewayServerOptions } from './server-options.js';

/** A presence broadcast goes out in slices of about this many bytes per turn of the event loop. */
const PRESENCE_SLICE_BYTES = 4 * 1024 * 1024;

export class GatewayServer {
  readonly bootId: string;
  /** The event bus: features emit through it (also handed to them in `FeatureContext`). */
  readonly events: EventBus;
  readonly #options: GatewayServerOptions;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #registry: MethodRegistry;
  readonly #dispatcher: Dispatcher;
  readonly #features: FeatureHost;
  readonly #services: GatewayServices;
  readonly #health: HealthMonitor;
  readonly #presence: PresenceRegistry;
  readonly #store: StateStore;
  readonly #pairing: PairingService;
  readonly #nodes: NodeService;
  readonly #lifecycle: ConnectionLifecycle;
  readonly #router: HttpRouter;
  readonly #httpServers: Server[] = [];
  readonly #admission: Admission;
  /** Raw sockets accepted on the owner socket (their upgrades skip the counts). */
  readonly #ownerSockets = new WeakSet<object>();
  #ownerChannel: OwnerChannel | undefined;
  #browserAccess: BrowserAccessPolicy | undefined;
  readonly #stopHooks: (() => Promise<void>)[] = [];
  #boundAddresses: string[] = [];
  #port = 0;
  #startedAtMs = 0;
  #isReady = false;
  #isDraining = false;
  #tickTimer: TimerHandle;
  readonly #healthBroadcast: HealthBroadcast;

  constructor(options: GatewayServerOptions) {
    this.#options = options;
    this.#logger = options.logger;
    this.#clock = options.clock ?? systemClock;
    const now = (): number => this.#clock.now();
    const createId = options.createId ?? randomUUID;
    this.bootId = createId();
    this.#features = new FeatureHost(options.features ?? [], this.#logger);
    this.#registry = new MethodRegistry([...BUILTIN_METHOD_FAMILIES, ...this.#features.methodFamilies(), ...(options.methodFamilies ?? [])], {
      shouldCompileEagerly: options.shouldValidateResults === true,
    });
    this.events = new EventBus({ events: [...CORE_EVENTS, ...this.#features.events()], logger: this.#logger, shouldValidatePayloads: options.shouldValidateResults === true });
    this.#router = new HttpRouter(createProbeRoutes({ isReady: () => this.#isReady, isDraining: () => this.#isDraining, notReadyFeatures: () => this.#features.notReady() }));
    for (const route of this.#features.httpRoutes()) this.#router.add(route);
    const settings = options.settings;
    this.#health = new HealthMonitor({ now, sessionsPath: `${settings.paths.stateDir}/sessions`, contribute: (snapshot) => this.#features.contributeHealth(snapshot) });
    this.#presence = new PresenceRegistry({ version: CLAWGATE_VERSION, instanceId: this.bootId, now });
    this.#healthBroadcast = new HealthBroadcast(this.#health, this.events, () => this.#stateVersion());
    this.#store = options.store ?? StateStore.openForStateDir(settings.paths.stateDir, { migrations: this.#features.migrations() });
    const broadcast = (event: string, payload: unknown, target: EventTarget = {}): number => this.events.emitByName(event, payload, target);
    const pairingDeps: PairingDeps = {
      store: this.#store,
      // Read at each connect, so a live config reload that replaces settings.auth takes effect.
      get auth() {
        return settings.auth;
      },
      now,
      logger: this.#logger,
      emit: broadcast,
      disconnectDevice: (deviceId, role, change) => this.#lifecycle.disconnectDevice(deviceId, role, change),
    };
    this.#pairing = new PairingService(pairingDeps);
    this.#nodes = new NodeService({
      store: options.nodeSurfaceStore ?? this.#store.nodeSurfaces,
      policy: options.config.config.gateway?.nodes?.commands ?? {},
      broadcast,
      logger: this.#logger,
      now,
      createId,
      clock: this.#clock,
    });
    const eventJournals = new EventJournals(this.events, this.#clock);
    this.#services = {
      devices: new DeviceAdmin(pairingDeps),
      health: this.#health,
      presence: this.#presence,
      logs: new LogReader(settings.paths.logPath, options.secrets),
      config: options.config,
      nodes: this.#nodes,
      now,
      contributeStatus: (status) => this.#features.contributeStatus(status),
      eventJournals,
      runtime: {
        version: CLAWGATE_VERSION,
        pid: process.pid,
        startedAtMs: () => this.#startedAtMs,
        bind: settings.bind,
        port: () => this.#port,
        addresses: () => [...this.#boundAddresses],
        tls: options.tls !== undefined,
        tlsFingerprint: options.tls?.fingerprintSha256,
        warnings: settings.warnings,
        tailscale: () => options.tailscaleStatus?.(),
        authMode: settings.auth.mode,
        connectionCounts: () => this.#lifecycle.roleCounts(),
      },
    };
    const dispatcherOptions: ConstructorParameters<typeof Dispatcher>[0] = {
      registry: this.#registry,
      services: this.#services,
      logger: this.#logger,
      clock: this.#clock,
      shouldValidateResults: options.shouldValidateResults ?? false,
      hooks: this.#features.dispatchHooks(),
    };
    if (options.maxInFlightPerConnection !== undefined) dispatcherOptions.maxInFlightPerConnection = options.maxInFlightPerConnection;
    this.#dispatcher = new Dispatcher(dispatcherOptions);
    const authLimiter = new AuthRateLimiter(settings.hardening.authRateLimit, this.#clock, {
      onLockout: (bucket, lockoutMs) => this.#logger.warn({ bucket: bucket.key, lockoutMs }, 'auth rate limit: too many failed attempts, locked out'),
    });
    this.#admission = new Admission({ maxPendingHandshakes: settings.maxPendingHandshakes, maxConnections: settings.maxConnections });
    this.#lifecycle = new ConnectionLifecycle({
      settings,
      logger: this.#logger,
      clock: this.#clock,
      createId,
      closeTimeoutMs: options.closeTimeoutMs,
      pairing: this.#pairing,
      nodes: this.#nodes,
      presence: this.#presence,
      events: this.events,
      eventJournals,
      dispatcher: this.#dispatcher,
      authLimiter,
      tailscaleIdentity: options.tailscaleIdentity,
      admission: this.#admission,
      sendBudget: new SendBudget(() => [...this.#lifecycle.connections].map((connection) => connection.bufferedBytes)),
      isOwnerChannel: (request) => this.#ownerSockets.has(request.socket),
      helloOkResponse: (requestId, connId, accepted) => this.#helloOkResponse(requestId, connId, accepted),
      presenceBroadcast: new PacedFlush({
        clock: this.#clock,
        flush: () => {
          const presence = this.#presence.list();
          const recipients = this.events.emitSliced(presenceEvent, { presence }, { stateVersion: this.#stateVersion(), sliceBytes: PRESENCE_SLICE_BYTES, defer: (next) => this.#clock.setTimeout(next, 0) });
          return presence.length * PRESENCE_ENTRY_BYTES * recipients;
        },
      }),
      isDraining: () => this.#isDraining,
    });
  }

  /** The port actually bound (differs from settings when 0 was asked for). */
  get port(): number {
    return this.#port;
  }

  get addresses(): string[] {
    return [...this.#boundAddresses];
  }

  /** Starts every feature (dependency order), binds every listen host on one port, starts the tick. */
  async start(): Promise<void> {
    try {
      await this.#features.start((feature) =>
        createFeatureContext(feature, {
          store: this.#store,
          events: this.events,
          nodes: this.#nodes,
          dispatcher: this.#dispatcher,
          clock: this.#clock,
          logger: this.#logger,
          config: this.#options.config,
          secrets: this.#options.secrets,
          auth: this.#options.settings.auth,
          browserAccess: () => this.#browserAccess,
        }),
      );
      await this.#listen();
    } catch (error) {
      // A failed start leaves nothing behind: started features closed, no listener, store closed.
      await this.#features.close();
      this.#health.stop();
      this.#store.close();
      throw error;
    }
    this.#startedAtMs = this.#clock.now();
    this.#healthBroadcast.baseline();
    this.#tickTimer = this.#clock.setInterval(() => this.#tick(), this.#options.settings.tickIntervalMs);
    this.#isReady = true;
  }

  /**
   * Stops: features' `preClose`, a `shutdown` broadcast, every socket closed with 1001 (1012 when a
   * restart is expected), listeners closed, features' `onClose`, then the store.
   */
  async stop(reason = 'gateway stopping', restartExpectedMs?: number): Promise<void> {
    if (this.#isDraining) return;
    this.#isDraining = true;
    this.#isReady = false;
    this.#clock.clearInterval(this.#tickTimer);
    this.#lifecycle.cancelPresence();
    this.#nodes.stop();
    await this.#features.preClose();
    this.events.emit(shutdownEvent, restartExpectedMs === undefined ? { reason } : { reason, restartExpectedMs });
    const closeCode = restartExpectedMs === undefined ? CloseCode.GOING_AWAY : CloseCode.SERVICE_RESTART;
    const closing = [...this.#lifecycle.connections].map((connection) => {
      connection.close(closeCode, reason);
      return connection.closed;
    });
    // Close handlers still write (node last-seen, audit): the store stays open until they ran.
    // Connection.close() terminates an unresponsive peer after closeTimeoutMs, so this wait is bounded.
    await Promise.all(closing);
    await this.#closeHttpServers();
    await this.#features.close();
    this.#health.stop();
    this.#store.close();
    for (const hook of this.#stopHooks.splice(0)) await hook();
  }

  /** True when `auth` differs from the secret in use (mode, token or password). */
  isSharedSecretDifferent(auth: SharedSecretAuth): boolean {
    const current = this.#options.settings.auth;
    return current.mode !== auth.mode || current.token !== auth.token || current.password !== auth.password;
  }

  /**
   * Replaces the shared secret (SIGHUP or a live config edit, daemon/start.ts): from now on only
   * `auth` is accepted (pairing reads settings.auth at each connect), and every session that
   * authenticated with the old secret is closed at once with SHARED_SECRET_ROTATED (security lessons
   * T-AUTH-1). Device tokens are unaffected. Returns how many sessions were closed.
   */
  rotateSharedSecret(auth: SharedSecretAuth): number {
    // pairingDeps.auth is a getter over settings.auth (live config reload): assigning it threw in
    // strict mode, so rotation stopped before closing the old secret's sessions.
    this.#options.settings.auth = auth;
    return this.#lifecycle.closeSharedSecretSessions();
  }

  /** Runs `hook` after the gateway stopped listening (e.g. undo Tailscale Serve). */
  addStopHook(hook: () => Promise<void>): void {
    this.#stopHooks.push(hook);
  }

  async #listen(): Promise<void> {
    const { settings } = this.#options;
    const wss = new WebSocketServer({ noServer: true, maxPayload: settings.maxPayloadBytes, perMessageDeflate: false });
    const gate = new UpgradeGate({
      wss,
      logger: this.#logger,
      maxConnections: settings.maxConnections,
      admitHandshake: (request) => this.#lifecycle.admitHandshake(request),
      isOwnerChannel: (request) => this.#ownerSockets.has(request.socket),
      isDraining: () => this.#isDraining,
      browserAccess: () => this.#browserAccess,
      counts: () => this.#lifecycle.counts(),
      onSocket: (socket, request) => void this.#lifecycle.accept(socket, request),
    });
    const bound = await bindListeners({
      listenHosts: settings.listenHosts,
      port: settings.port,
      tls: this.#options.tls,
      onRequest: (request, response) => this.#router.handle(request, response),
      onUpgrade: (request, socket, head) => gate.handle(request, socket, head),
      logger: this.#logger,
      onServer: (server) => hardenHttpServer(server, this.#admission),
    });
    this.#httpServers.push(...bound.servers);
    this.#boundAddresses = bound.addresses;
    const port = bound.port;
    this.#port = port;
    await this.#listenOwnerSocket((request, socket, head) => gate.handle(request, socket, head));
    this.#browserAccess = new BrowserAccessPolicy({ ...settings.hardening.controlUi, listenHosts: settings.listenHosts.map(({ host }) => host), port });
  }

  /** Replaces the browser Origin/Host policy (live config reload of gateway.controlUi). */
  updateControlUi(controlUi: { allowedOrigins: string[]; allowedHosts: string[] }): void {
    const { settings } = this.#options;
    this.#browserAccess = new BrowserAccessPolicy({ ...controlUi, listenHosts: settings.listenHosts.map(({ host }) => host), port: this.#port });
  }

  /** Every tick: `tick` to everyone, and `health` when its summary changed since the last one. */
  #tick(): void {
    this.events.emit(tickEvent, { ts: this.#clock.now() });
    this.#healthBroadcast.check();
  }

  /** The hello-ok response; a reader's presence list is the registry's cached serialization, shared. */
  #helloOkResponse(requestId: string, connId: string, accepted: AcceptedConnect): string | SplicedHelloResponse {
    if (!canSeePresence(accepted)) return JSON.stringify({ type: 'res', id: requestId, ok: true, payload: this.#helloOk(connId, accepted, this.#presence.list()) });
    const snapshot = this.#presence.snapshotJson();
    const hello = this.#helloOk(connId, accepted, []);
    hello.snapshot.stateVersion = { ...hello.snapshot.stateVersion, presence: snapshot.version };
    return spliceHelloResponse(requestId, hello, snapshot.bytes);
  }

  #helloOk(connId: string, accepted: AcceptedConnect, presence: PresenceEntry[]): HelloOk {
    const sessionDefaults = this.#features.sessionDefaults();
    return buildHelloOk({
      connId,
      bootId: this.bootId,
      accepted,
      settings: this.#options.settings,
      configPath: this.#options.config.path,
      methods: this.#registry.names(),
      events: this.events.names(),
      presence,
      health: this.#health.snapshot(),
      stateVersion: this.#stateVersion(),
      uptimeMs: this.#clock.now() - this.#startedAtMs,
      ...(sessionDefaults === undefined ? {} : { sessionDefaults }),
    });
  }

  #stateVersion(): { presence: number; health: number } {
    return { presence: this.#presence.version, health: this.#health.version };
  }

  async #closeHttpServers(): Promise<void> {
    await closeServers(this.#httpServers.splice(0));
    await this.#ownerChannel?.close();
    this.#ownerChannel = undefined;
  }

  /** The owner socket in the state dir (config/owner-socket.ts); a failure only costs that channel. */
  async #listenOwnerSocket(onUpgrade: (request: IncomingMessage, socket: Duplex, head: Buffer) => void): Promise<void> {
    const onRequest = (request: IncomingMessage, response: Parameters<HttpRouter['handle']>[1]): void => this.#router.handle(request, response);
    try {
      this.#ownerChannel = await listenOwnerSocket(ownerSocketPathFor(this.#options.settings.paths.stateDir), onRequest, onUpgrade, this.#ownerSockets);
    } catch (error) {
      this.#logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'owner socket unavailable; local CLI commands use TCP');
    }
  }
}
