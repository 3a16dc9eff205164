/**
 * @module gateway/server — the gateway: one port for HTTP and WebSocket, its connections and events.
 *
 * Ready as soon as `start()` resolves: every listener is bound and every validator compiled, so the
 * first client is served at once (OpenClaw listens first and answers 1013 "gateway starting").
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  CLAWGATE_VERSION,
  CloseCode,
  EVENT_SCOPES,
  GatewayError,
  NODE_BROADCAST_EVENTS,
  scopeSatisfies,
  type HelloOk,
  type RequestFrame,
  type ShutdownPayload,
} from '../protocol/index.js';
import type { LoadedConfig } from '../config/index.js';
import type { Logger, SecretRegistry } from '../logging/index.js';
import { acceptConnect, type AcceptedConnect } from './handshake.js';
import { AuthRateLimiter, SYSTEM_CLOCK, type Clock } from './pairing/auth-rate-limit.js';
import { BrowserAccessPolicy } from './http/browser-access.js';
import { resolveClientAddress } from './http/client-address.js';
import { GatewayConnection, type ConnectionHandler, type SendEventOptions } from './connection.js';
import { Dispatcher } from './dispatcher.js';
import { HealthMonitor } from './health-monitor.js';
import { handleHttpRequest } from './http/routes.js';
import { buildHelloOk } from './hello.js';
import { closeServers, errnoCode, listen, rejectUpgrade } from './http/listeners.js';
import { LogReader } from './log-reader.js';
import { MethodRegistry, type MethodDefinition } from './method-registry.js';
import { BUILTIN_METHOD_FAMILIES } from './methods/index.js';
import { PresenceRegistry } from './presence.js';
import { DeviceAdmin } from './pairing/device-admin.js';
import { PairingService, type PairingDeps } from './pairing/service.js';
import { StateStore } from '../store/index.js';
import { NodeService } from './nodes/service.js';
import type { NodeSurfaceStore } from './nodes/surface-store.js';
import type { GatewayServices } from './services.js';
import type { GatewaySettings } from './settings.js';
import type { TlsMaterial } from './http/tls.js';
import type { TailscaleIdentity, TailscaleIdentityVerifier } from './tailscale/identity.js';

/** Presence changes within this window go out as one broadcast (ms). */
const PRESENCE_COALESCE_MS = 100;

export interface GatewayServerOptions {
  settings: GatewaySettings;
  config: LoadedConfig;
  logger: Logger;
  secrets: SecretRegistry;
  /** Extra method families (later features plug in here). */
  methodFamilies?: readonly (readonly MethodDefinition[])[];
  now?: () => number;
  createId?: () => string;
  /** Validate every result against its schema (tests). */
  shouldValidateResults?: boolean;
  /** Durable state (devices, tokens, audit); default: `<stateDir>/state/clawgate.sqlite`, closed by `stop()`. */
  store?: StateStore;
  /** Clock for the auth-failure rate limiter (tests inject a fake one so lockouts need no waiting). */
  clock?: Clock;
  /** Where approved node command surfaces live (default: the state store's SQLite tables). */
  nodeSurfaceStore?: NodeSurfaceStore;
  /** Serve HTTPS/WSS (TLS 1.3 minimum) on the same port with this certificate. */
  tls?: TlsMaterial | undefined;
  /** `gateway.auth.allowTailscale`: verifies Tailscale Serve identity headers on upgrade requests. */
  tailscaleIdentity?: TailscaleIdentityVerifier | undefined;
  /** Serve/Funnel state for `status`, once the exposure is up. */
  tailscaleStatus?: () => { mode: string; url?: string } | undefined;
}

/** The shared-secret check a verified Tailscale identity replaces (the whois match is the proof). */
const TAILSCALE_VERIFIED_AUTH = { mode: 'none' } as const;

export class GatewayServer implements ConnectionHandler {
  readonly bootId: string;
  readonly #options: GatewayServerOptions;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #createId: () => string;
  readonly #registry: MethodRegistry;
  readonly #dispatcher: Dispatcher;
  readonly #services: GatewayServices;
  readonly #health: HealthMonitor;
  readonly #presence: PresenceRegistry;
  readonly #store: StateStore;
  readonly #pairing: PairingService;
  readonly #nodes: NodeService;
  readonly #wss: WebSocketServer;
  readonly #httpServers: Server[] = [];
  readonly #connections = new Set<GatewayConnection>();
  readonly #authLimiter: AuthRateLimiter;
  #browserAccess: BrowserAccessPolicy | undefined;
  readonly #tailscaleUsers = new WeakMap<GatewayConnection, Promise<TailscaleIdentity | undefined>>();
  readonly #stopHooks: (() => Promise<void>)[] = [];
  #boundAddresses: string[] = [];
  #port = 0;
  #startedAtMs = 0;
  #isReady = false;
  #isDraining = false;
  #tickTimer: NodeJS.Timeout | undefined;
  #presenceTimer: NodeJS.Timeout | undefined;

  constructor(options: GatewayServerOptions) {
    this.#options = options;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
    this.#createId = options.createId ?? randomUUID;
    this.bootId = this.#createId();
    this.#registry = new MethodRegistry([...BUILTIN_METHOD_FAMILIES, ...(options.methodFamilies ?? [])]);
    this.#health = new HealthMonitor({ now: this.#now, sessionsPath: `${options.settings.paths.stateDir}/sessions` });
    this.#presence = new PresenceRegistry({ version: CLAWGATE_VERSION, instanceId: this.bootId, now: this.#now });
    const settings = options.settings;
    this.#store = options.store ?? StateStore.openForStateDir(settings.paths.stateDir);
    const pairingDeps: PairingDeps = {
      store: this.#store,
      auth: settings.auth,
      now: this.#now,
      logger: this.#logger,
      emit: (event, payload) => this.broadcast(event, payload),
      disconnectDevice: (deviceId, role, change) => this.#disconnectDevice(deviceId, role, change),
    };
    this.#pairing = new PairingService(pairingDeps);
    this.#nodes = new NodeService({
      store: options.nodeSurfaceStore ?? this.#store.nodeSurfaces,
      policy: options.config.config.gateway?.nodes?.commands ?? {},
      broadcast: (event, payload) => this.broadcast(event, payload),
      logger: this.#logger,
      now: this.#now,
      createId: this.#createId,
    });
    this.#services = {
      devices: new DeviceAdmin(pairingDeps),
      health: this.#health,
      presence: this.#presence,
      logs: new LogReader(settings.paths.logPath, options.secrets),
      config: options.config,
      nodes: this.#nodes,
      now: this.#now,
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
        connectionCounts: () => this.#connectionCounts(),
      },
    };
    this.#dispatcher = new Dispatcher({
      registry: this.#registry,
      services: this.#services,
      logger: this.#logger,
      shouldValidateResults: options.shouldValidateResults ?? false,
    });
    this.#authLimiter = new AuthRateLimiter(settings.hardening.authRateLimit, options.clock ?? SYSTEM_CLOCK, {
      onLockout: (bucket, lockoutMs) => this.#logger.warn({ bucket: bucket.key, lockoutMs }, 'auth rate limit: too many failed attempts, locked out'),
    });
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: settings.maxPayloadBytes, perMessageDeflate: false });
    this.#wss.on('connection', (socket: WebSocket, request: IncomingMessage) => this.#wssOnConnection(socket, request));
  }

  /** The port actually bound (differs from settings when 0 was asked for). */
  get port(): number {
    return this.#port;
  }

  get addresses(): string[] {
    return [...this.#boundAddresses];
  }

  /** Binds every listen host on one port; resolves once the gateway serves requests. */
  async start(): Promise<void> {
    const { settings } = this.#options;
    let port = settings.port;
    for (const { host, isRequired } of settings.listenHosts) {
      const onRequest: RequestListener = (request, response) =>
        handleHttpRequest(request, response, { isReady: () => this.#isReady, isDraining: () => this.#isDraining });
      const tls = this.#options.tls;
      // https.Server is an http.Server with a TLS front; everything after the handshake is shared.
      const server: Server =
        tls === undefined ? createServer(onRequest) : createHttpsServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.3' }, onRequest);
      if (tls !== undefined) server.on('tlsClientError', (_error: Error, socket: Duplex) => socket.destroy());
      server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.#serverOnUpgrade(request, socket, head));
      server.on('clientError', (_error, socket) => socket.destroy());
      try {
        port = await listen(server, host, port);
      } catch (error) {
        const code = errnoCode(error);
        if (!isRequired && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT')) {
          this.#logger.debug({ host, code }, 'optional listen address unavailable');
          continue;
        }
        await this.#closeHttpServers();
        if (code === 'EADDRINUSE') throw new GatewayError('PORT_IN_USE', { port, host });
        throw error;
      }
      this.#httpServers.push(server);
      this.#boundAddresses.push(host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);
    }
    this.#port = port;
    this.#browserAccess = new BrowserAccessPolicy({
      ...settings.hardening.controlUi,
      listenHosts: settings.listenHosts.map(({ host }) => host),
      port,
    });
    this.#startedAtMs = this.#now();
    this.#tickTimer = setInterval(() => this.broadcast('tick', { ts: this.#now() }, { dropIfSlow: true }), settings.tickIntervalMs);
    this.#tickTimer.unref();
    this.#isReady = true;
  }

  /** Broadcasts `shutdown`, closes every socket with 1001 (1012 when a restart is expected), stops listening. */
  async stop(reason = 'gateway stopping', restartExpectedMs?: number): Promise<void> {
    if (this.#isDraining) return;
    this.#isDraining = true;
    this.#isReady = false;
    clearInterval(this.#tickTimer);
    clearTimeout(this.#presenceTimer);
    const payload: ShutdownPayload = { reason };
    if (restartExpectedMs !== undefined) payload.restartExpectedMs = restartExpectedMs;
    this.broadcast('shutdown', payload);
    const closeCode = restartExpectedMs === undefined ? CloseCode.GOING_AWAY : CloseCode.SERVICE_RESTART;
    const closing = [...this.#connections].map((connection) => {
      connection.close(closeCode, reason);
      return connection.closed;
    });
    // Close handlers still write (node last-seen, audit): the store stays open until they ran.
    // Connection.close() terminates an unresponsive peer after 2 s, so this wait is bounded.
    await Promise.all(closing);
    await this.#closeHttpServers();
    this.#health.stop();
    this.#store.close();
    for (const hook of this.#stopHooks.splice(0)) await hook();
  }

  /** Runs `hook` after the gateway stopped listening (e.g. undo Tailscale Serve). */
  addStopHook(hook: () => Promise<void>): void {
    this.#stopHooks.push(hook);
  }

  /** Sends an event to every ready connection allowed to see it. Unknown events reach admins only. */
  broadcast(event: string, payload: unknown, options: SendEventOptions = {}): void {
    const required = (EVENT_SCOPES as Record<string, string | null | undefined>)[event];
    for (const connection of this.#connections) {
      const caller = connection.caller;
      if (connection.state !== 'ready' || caller === undefined) continue;
      if (caller.role === 'node' && !NODE_BROADCAST_EVENTS.has(event)) continue;
      if (required === undefined && !scopeSatisfies(caller.scopes, 'operator.admin')) continue;
      if (typeof required === 'string' && (caller.role !== 'operator' || !scopeSatisfies(caller.scopes, required as never))) continue;
      connection.sendEvent(event, payload, options);
    }
  }

  async handleConnect(connection: GatewayConnection, frame: RequestFrame): Promise<void> {
    let accepted: AcceptedConnect;
    let tailscaleUser: TailscaleIdentity | undefined;
    try {
      tailscaleUser = await this.#tailscaleUserFor(connection, frame.params);
      // The limiter refuses locked-out clients before acceptConnect does any hashing or signature work.
      accepted = await this.#authLimiter.run(connection.clientAddress, () =>
        acceptConnect(frame.params, this.#options.settings.auth, {
          pairing: this.#pairing,
          challengeNonce: connection.challengeNonce,
          remoteAddress: connection.clientAddress.address,
          connId: connection.connId,
          sharedAuth: tailscaleUser === undefined ? undefined : TAILSCALE_VERIFIED_AUTH,
        }),
      );
    } catch (error) {
      if (!(error instanceof GatewayError)) this.#logger.error({ connId: connection.connId, err: error }, 'connect check threw');
      const gatewayError = error instanceof GatewayError ? error : new GatewayError('CONNECT_PARAMS_INVALID', { reason: 'unreadable' });
      const { address, origin } = connection.clientAddress;
      this.#logger.info({ connId: connection.connId, remoteAddress: connection.remoteAddress, clientAddress: address, origin, code: gatewayError.code }, 'connect rejected');
      this.#auditConnect(connection, frame, gatewayError.code === 'PAIRING_REQUIRED' ? 'pending' : 'denied', gatewayError.code);
      connection.fail(gatewayError, frame.id);
      return;
    }
    if (connection.state !== 'authenticating') return; // closed while we checked
    const { params, role, scopes } = accepted;
    const caller = {
      connId: connection.connId,
      role,
      scopes,
      client: params.client,
      remoteAddress: connection.remoteAddress,
      deviceId: accepted.deviceId,
      authMethod: accepted.authMethod,
      clientAddress: connection.clientAddress.address,
      isLocal: connection.clientAddress.isLocal,
      isBrowser: connection.clientAddress.isBrowser,
      origin: connection.clientAddress.origin,
    };
    connection.markReady(caller);
    this.#auditConnect(connection, frame, 'allowed', accepted.authMethod);
    const presenceChanged = this.#presence.add(caller);
    connection.sendResponse({ type: 'res', id: frame.id, ok: true, payload: this.#helloOk(connection.connId, accepted) });
    if (role === 'node') {
      this.#nodes.onConnect({
        connId: connection.connId,
        remoteIp: connection.remoteAddress,
        params,
        send: (event, payload) => connection.sendEvent(event, payload),
        close: (code, reason) => connection.close(code, reason),
      });
    }
    this.#logger.info(
      {
        connId: connection.connId,
        client: params.client.id,
        mode: params.client.mode,
        role,
        auth: tailscaleUser === undefined ? accepted.authMethod : 'tailscale',
        tailscaleLogin: tailscaleUser?.login,
        remoteAddress: connection.remoteAddress,
        clientAddress: caller.clientAddress,
        isLocal: caller.isLocal,
        isBrowser: caller.isBrowser,
      },
      'client connected',
    );
    if (presenceChanged) this.#broadcastPresence();
  }

  async handleRequest(connection: GatewayConnection, frame: RequestFrame): Promise<void> {
    const caller = connection.caller;
    if (caller === undefined) return;
    const response = await this.#dispatcher.dispatch(frame, caller);
    connection.sendResponse(response);
  }

  handleClose(connection: GatewayConnection): void {
    this.#connections.delete(connection);
    if (connection.caller !== undefined) this.#logger.info({ connId: connection.connId }, 'client disconnected');
    if (connection.caller?.role === 'node') this.#nodes.onDisconnect(connection.connId);
    if (this.#presence.remove(connection.connId)) this.#broadcastPresence();
  }

  /** The verified Tailscale user for an operator connect (never for nodes, as in OpenClaw). */
  async #tailscaleUserFor(connection: GatewayConnection, params: unknown): Promise<TailscaleIdentity | undefined> {
    const pending = this.#tailscaleUsers.get(connection);
    if (pending === undefined) return undefined;
    const role = typeof params === 'object' && params !== null ? (params as { role?: unknown }).role : undefined;
    if (role !== undefined && role !== 'operator') return undefined;
    return pending;
  }

  #helloOk(connId: string, accepted: AcceptedConnect): HelloOk {
    return buildHelloOk({
      connId,
      bootId: this.bootId,
      accepted,
      settings: this.#options.settings,
      configPath: this.#options.config.path,
      methods: this.#registry.names(),
      presence: this.#presence.list(),
      health: this.#health.snapshot(),
      stateVersion: this.#stateVersion(),
      uptimeMs: this.#now() - this.#startedAtMs,
    });
  }


  #serverOnUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { settings } = this.#options;
    if (this.#isDraining) return rejectUpgrade(socket, 503, 'gateway is shutting down');
    // Browsers are checked before the 101: a refused page never gets a socket (security lessons T-CSWSH-1).
    const refusal = this.#browserAccess?.check(request.headers);
    if (refusal !== undefined) {
      this.#logger.warn(
        { code: refusal.code, origin: request.headers.origin, host: request.headers.host, remoteAddress: request.socket.remoteAddress },
        'refusing browser connection',
      );
      return rejectUpgrade(socket, refusal.definition.httpStatus ?? 403, refusal.toErrorShape());
    }
    const pending = [...this.#connections].filter((c) => c.state === 'awaitingConnect' || c.state === 'authenticating').length;
    if (pending >= settings.maxPendingHandshakes || this.#connections.size >= settings.maxConnections) {
      this.#logger.warn({ pending, total: this.#connections.size }, 'refusing connection: limit reached');
      return rejectUpgrade(socket, 503, 'too many connections');
    }
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#wss.emit('connection', ws, request));
  }

  #wssOnConnection(socket: WebSocket, request: IncomingMessage): void {
    const nonce = this.#createId();
    const origin = request.headers.origin;
    const clientAddress = resolveClientAddress(request, this.#options.settings.hardening.trustedProxies);
    if (clientAddress.isForwarded && !clientAddress.isProxied) {
      this.#logger.debug({ peerAddress: clientAddress.peerAddress }, 'forwarded headers not believed (peer is not in gateway.trustedProxies); connection is not local');
    }
    const connection = new GatewayConnection({
      socket,
      connId: this.#createId(),
      remoteAddress: request.socket.remoteAddress ?? 'unknown',
      origin: typeof origin === 'string' ? origin : undefined,
      clientAddress,
      challengeNonce: nonce,
      handshakeTimeoutMs: this.#options.settings.handshakeTimeoutMs,
      maxBufferedBytes: this.#options.settings.maxBufferedBytes,
      handler: this,
      logger: this.#logger,
    });
    this.#connections.add(connection);
    const tailscale = this.#options.tailscaleIdentity;
    if (tailscale !== undefined) this.#tailscaleUsers.set(connection, tailscale.verify(request).catch(() => undefined));
    connection.sendEvent('connect.challenge', { nonce, ts: this.#now() });
  }

  /**
   * Closes, right after the current reply goes out, every socket that authenticated with a device
   * token of `deviceId` (for `role`, or any role): a revoked or replaced token stops working at once.
   */
  #disconnectDevice(deviceId: string, role: string | undefined, change: string): void {
    const error = new GatewayError('DEVICE_ACCESS_CHANGED', { change, deviceId });
    for (const connection of this.#connections) {
      const caller = connection.caller;
      if (caller === undefined || caller.deviceId !== deviceId) continue;
      if (caller.authMethod !== 'device-token' && caller.authMethod !== 'bootstrap-token') continue;
      if (role !== undefined && caller.role !== role) continue;
      this.#logger.info({ connId: connection.connId, deviceId, role: caller.role, change }, 'closing device session');
      setImmediate(() => connection.fail(error));
    }
  }

  #auditConnect(connection: GatewayConnection, frame: RequestFrame, outcome: 'allowed' | 'denied' | 'pending', code: string): void {
    const params = isConnectParamsLike(frame.params) ? frame.params : undefined;
    this.#pairing.auditConnect({ params, remoteAddress: connection.clientAddress.address, connId: connection.connId }, outcome, code);
  }

  /**
   * Schedules one `presence` broadcast for all changes within PRESENCE_COALESCE_MS. Broadcasting the
   * full list on every connect is O(n²) when many clients (re)connect at once, e.g. after a restart.
   */
  #broadcastPresence(): void {
    if (this.#presenceTimer !== undefined || this.#isDraining) return;
    this.#presenceTimer = setTimeout(() => {
      this.#presenceTimer = undefined;
      this.broadcast('presence', { presence: this.#presence.list() }, { dropIfSlow: true, stateVersion: this.#stateVersion() });
    }, PRESENCE_COALESCE_MS);
    this.#presenceTimer.unref();
  }

  #stateVersion(): { presence: number; health: number } {
    return { presence: this.#presence.version, health: this.#health.version };
  }

  #connectionCounts(): { total: number; operators: number; nodes: number } {
    let operators = 0;
    let nodes = 0;
    for (const connection of this.#connections) {
      if (connection.caller?.role === 'operator') operators++;
      if (connection.caller?.role === 'node') nodes++;
    }
    return { total: operators + nodes, operators, nodes };
  }

  async #closeHttpServers(): Promise<void> {
    await closeServers(this.#httpServers.splice(0));
  }

}

/** Enough of a connect frame to audit who tried (schema-invalid frames are audited without it). */
function isConnectParamsLike(value: unknown): value is Parameters<PairingService['auditConnect']>[0]['params'] {
  if (typeof value !== 'object' || value === null) return false;
  const client = (value as { client?: unknown }).client;
  return typeof client === 'object' && client !== null && typeof (client as { id?: unknown }).id === 'string';
}




