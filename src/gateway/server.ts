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
  GATEWAY_EVENTS,
  GatewayError,
  scopeSatisfies,
  type HelloOk,
  type RequestFrame,
  type ShutdownPayload,
} from '../protocol/index.js';
import type { LoadedConfig } from '../config/index.js';
import type { Logger, SecretRegistry } from '../logging/index.js';
import { acceptConnect, type AcceptedConnect } from './handshake.js';
import { GatewayConnection, type ConnectionHandler, type SendEventOptions } from './connection.js';
import { Dispatcher } from './dispatcher.js';
import { HealthMonitor } from './health-monitor.js';
import { handleHttpRequest } from './http-routes.js';
import { LogReader } from './log-reader.js';
import { MethodRegistry, type MethodDefinition } from './method-registry.js';
import { BUILTIN_METHOD_FAMILIES } from './methods/index.js';
import { PresenceRegistry } from './presence.js';
import type { GatewayServices } from './services.js';
import type { GatewaySettings } from './settings.js';
import type { TlsMaterial } from './tls.js';
import type { TailscaleIdentity, TailscaleIdentityVerifier } from './tailscale-identity.js';

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
  readonly #wss: WebSocketServer;
  readonly #httpServers: Server[] = [];
  readonly #connections = new Set<GatewayConnection>();
  readonly #tailscaleUsers = new WeakMap<GatewayConnection, Promise<TailscaleIdentity | undefined>>();
  readonly #stopHooks: (() => Promise<void>)[] = [];
  #boundAddresses: string[] = [];
  #port = 0;
  #startedAtMs = 0;
  #isReady = false;
  #isDraining = false;
  #tickTimer: NodeJS.Timeout | undefined;

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
    this.#services = {
      health: this.#health,
      presence: this.#presence,
      logs: new LogReader(settings.paths.logPath, options.secrets),
      config: options.config,
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
    const payload: ShutdownPayload = { reason };
    if (restartExpectedMs !== undefined) payload.restartExpectedMs = restartExpectedMs;
    this.broadcast('shutdown', payload);
    const closeCode = restartExpectedMs === undefined ? CloseCode.GOING_AWAY : CloseCode.SERVICE_RESTART;
    for (const connection of this.#connections) connection.close(closeCode, reason);
    await this.#closeHttpServers();
    this.#health.stop();
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
      accepted = acceptConnect(frame.params, tailscaleUser === undefined ? this.#options.settings.auth : TAILSCALE_VERIFIED_AUTH);
    } catch (error) {
      const gatewayError = error instanceof GatewayError ? error : new GatewayError('CONNECT_PARAMS_INVALID', { reason: 'unreadable' });
      this.#logger.info({ connId: connection.connId, remoteAddress: connection.remoteAddress, code: gatewayError.code }, 'connect rejected');
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
      deviceId: params.device?.id,
    };
    connection.markReady(caller);
    const presenceChanged = this.#presence.add(caller);
    connection.sendResponse({ type: 'res', id: frame.id, ok: true, payload: this.#helloOk(connection.connId, accepted) });
    this.#logger.info(
      {
        connId: connection.connId,
        client: params.client.id,
        mode: params.client.mode,
        role,
        auth: tailscaleUser === undefined ? accepted.authMethod : 'tailscale',
        tailscaleLogin: tailscaleUser?.login,
        remoteAddress: connection.remoteAddress,
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
    const { settings } = this.#options;
    const isAdmin = accepted.role === 'operator' && scopeSatisfies(accepted.scopes, 'operator.admin');
    const hello: HelloOk = {
      type: 'hello-ok',
      protocol: accepted.protocol,
      server: { version: CLAWGATE_VERSION, connId, bootId: this.bootId },
      features: { methods: this.#registry.names(), events: [...GATEWAY_EVENTS] },
      snapshot: {
        presence: this.#presence.list(),
        health: this.#health.snapshot(),
        stateVersion: this.#stateVersion(),
        uptimeMs: Math.max(0, this.#now() - this.#startedAtMs),
        sessionDefaults: { defaultAgentId: 'main', mainKey: 'main', mainSessionKey: 'agent:main:main', scope: 'per-sender' },
      },
      auth: { role: accepted.role, scopes: accepted.scopes },
      policy: { maxPayload: settings.maxPayloadBytes, maxBufferedBytes: settings.maxBufferedBytes, tickIntervalMs: settings.tickIntervalMs },
    };
    // Paths and auth mode are configuration details: admins only, as in OpenClaw.
    if (isAdmin) {
      hello.snapshot.authMode = settings.auth.mode;
      hello.snapshot.configPath = this.#options.config.path;
      hello.snapshot.stateDir = settings.paths.stateDir;
    }
    return hello;
  }

  #serverOnUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { settings } = this.#options;
    if (this.#isDraining) return rejectUpgrade(socket, 503, 'gateway is shutting down');
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
    const connection = new GatewayConnection({
      socket,
      connId: this.#createId(),
      remoteAddress: request.socket.remoteAddress ?? 'unknown',
      origin: typeof origin === 'string' ? origin : undefined,
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

  #broadcastPresence(): void {
    this.broadcast('presence', { presence: this.#presence.list() }, { dropIfSlow: true, stateVersion: this.#stateVersion() });
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
    const servers = this.#httpServers.splice(0);
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
  }
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

function rejectUpgrade(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ ok: false, error: message });
  socket.end(
    `HTTP/1.1 ${status} ${status === 503 ? 'Service Unavailable' : 'Bad Request'}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function errnoCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}
