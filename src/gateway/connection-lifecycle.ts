/**
 * @module gateway/connection-lifecycle — what happens to a connection between its socket and its close.
 *
 * Creates the `GatewayConnection` for an accepted socket and sends the challenge; runs `connect`
 * (Tailscale identity, rate limiter, credential checks, audit, presence, hello-ok, node registration);
 * hands requests to the dispatcher with the connection's abort signal; and on close detaches the
 * connection from the event bus, the node registry and presence. Presence changes are coalesced.
 */
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { GatewayError, type HelloOk, type RequestFrame } from '../protocol/index.js';
import type { Logger } from '../logging/index.js';
import type { Clock, TimerHandle } from '../time/index.js';
import { acceptConnect, type AcceptedConnect } from './handshake.js';
import type { AuthRateLimiter } from './pairing/auth-rate-limit.js';
import { resolveClientAddress } from './http/client-address.js';
import { GatewayConnection, type ConnectionHandler } from './connection.js';
import type { Dispatcher } from './dispatcher.js';
import type { EventBus } from './event-bus.js';
import type { PairingService } from './pairing/service.js';
import type { NodeService } from './nodes/service.js';
import type { PresenceRegistry } from './presence.js';
import type { GatewaySettings } from './settings.js';
import type { TailscaleIdentity, TailscaleIdentityVerifier } from './tailscale/identity.js';

/** Presence changes within this window go out as one broadcast (ms). */
const PRESENCE_COALESCE_MS = 100;

/** The shared-secret check a verified Tailscale identity replaces (the whois match is the proof). */
const TAILSCALE_VERIFIED_AUTH = { mode: 'none' } as const;

export interface ConnectionLifecycleOptions {
  settings: GatewaySettings;
  logger: Logger;
  clock: Clock;
  createId: () => string;
  closeTimeoutMs: number | undefined;
  pairing: PairingService;
  nodes: NodeService;
  presence: PresenceRegistry;
  events: EventBus;
  dispatcher: Dispatcher;
  authLimiter: AuthRateLimiter;
  tailscaleIdentity: TailscaleIdentityVerifier | undefined;
  /** Builds hello-ok for an accepted connect. */
  helloOk: (connId: string, accepted: AcceptedConnect) => HelloOk;
  /** Broadcasts the coalesced presence list. */
  broadcastPresence: () => void;
  isDraining: () => boolean;
}

export class ConnectionLifecycle implements ConnectionHandler {
  readonly connections = new Set<GatewayConnection>();
  readonly #options: ConnectionLifecycleOptions;
  readonly #tailscaleUsers = new WeakMap<GatewayConnection, Promise<TailscaleIdentity | undefined>>();
  #presenceTimer: TimerHandle;
  #isPresencePending = false;

  constructor(options: ConnectionLifecycleOptions) {
    this.#options = options;
  }

  /** Wraps an upgraded socket in a connection and sends `connect.challenge`. */
  accept(socket: WebSocket, request: IncomingMessage): GatewayConnection {
    const { settings, logger, clock } = this.#options;
    const nonce = this.#options.createId();
    const origin = request.headers.origin;
    const clientAddress = resolveClientAddress(request, settings.hardening.trustedProxies);
    if (clientAddress.isForwarded && !clientAddress.isProxied) {
      logger.debug({ peerAddress: clientAddress.peerAddress }, 'forwarded headers not believed (peer is not in gateway.trustedProxies); connection is not local');
    }
    const connection = new GatewayConnection({
      socket,
      connId: this.#options.createId(),
      remoteAddress: request.socket.remoteAddress ?? 'unknown',
      origin: typeof origin === 'string' ? origin : undefined,
      clientAddress,
      challengeNonce: nonce,
      handshakeTimeoutMs: settings.handshakeTimeoutMs,
      maxBufferedBytes: settings.maxBufferedBytes,
      ...(this.#options.closeTimeoutMs === undefined ? {} : { closeTimeoutMs: this.#options.closeTimeoutMs }),
      handler: this,
      logger,
      clock,
    });
    this.connections.add(connection);
    this.#options.events.attach(connection);
    const tailscale = this.#options.tailscaleIdentity;
    if (tailscale !== undefined) this.#tailscaleUsers.set(connection, tailscale.verify(request).catch(() => undefined));
    connection.sendEvent('connect.challenge', { nonce, ts: clock.now() });
    return connection;
  }

  async handleConnect(connection: GatewayConnection, frame: RequestFrame): Promise<void> {
    const { logger, settings } = this.#options;
    let accepted: AcceptedConnect;
    let tailscaleUser: TailscaleIdentity | undefined;
    try {
      tailscaleUser = await this.#tailscaleUserFor(connection, frame.params);
      // The limiter refuses locked-out clients before acceptConnect does any hashing or signature work.
      accepted = await this.#options.authLimiter.run(connection.clientAddress, () =>
        acceptConnect(frame.params, settings.auth, {
          pairing: this.#options.pairing,
          challengeNonce: connection.challengeNonce,
          remoteAddress: connection.clientAddress.address,
          connId: connection.connId,
          sharedAuth: tailscaleUser === undefined ? undefined : TAILSCALE_VERIFIED_AUTH,
        }),
      );
    } catch (error) {
      if (!(error instanceof GatewayError)) logger.error({ connId: connection.connId, err: error }, 'connect check threw');
      const gatewayError = error instanceof GatewayError ? error : new GatewayError('CONNECT_PARAMS_INVALID', { reason: 'unreadable' });
      const { address, origin } = connection.clientAddress;
      logger.info({ connId: connection.connId, remoteAddress: connection.remoteAddress, clientAddress: address, origin, code: gatewayError.code }, 'connect rejected');
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
      caps: params.caps,
    };
    connection.markReady(caller);
    this.#auditConnect(connection, frame, 'allowed', accepted.authMethod);
    const presenceChanged = this.#options.presence.add(caller);
    connection.sendResponse({ type: 'res', id: frame.id, ok: true, payload: this.#options.helloOk(connection.connId, accepted) });
    if (role === 'node') {
      this.#options.nodes.onConnect({
        connId: connection.connId,
        remoteIp: connection.remoteAddress,
        params,
        send: (event, payload) => this.#options.events.emitByName(event, payload, { connId: connection.connId }),
        close: (code, reason) => connection.close(code, reason),
      });
    }
    logger.info(
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
    if (presenceChanged) this.schedulePresence();
  }

  async handleRequest(connection: GatewayConnection, frame: RequestFrame): Promise<void> {
    const caller = connection.caller;
    if (caller === undefined) return;
    await this.#options.dispatcher.dispatch(frame, caller, { signal: connection.signal, send: (response) => connection.sendResponse(response) });
  }

  handleClose(connection: GatewayConnection): void {
    this.connections.delete(connection);
    this.#options.events.detach(connection.connId);
    if (connection.caller !== undefined) this.#options.logger.info({ connId: connection.connId }, 'client disconnected');
    if (connection.caller?.role === 'node') this.#options.nodes.onDisconnect(connection.connId);
    if (this.#options.presence.remove(connection.connId)) this.schedulePresence();
  }

  /**
   * Closes, right after the current reply goes out, every socket that authenticated with a device
   * token of `deviceId` (for `role`, or any role): a revoked or replaced token stops working at once.
   */
  disconnectDevice(deviceId: string, role: string | undefined, change: string): void {
    const error = new GatewayError('DEVICE_ACCESS_CHANGED', { change, deviceId });
    for (const connection of this.connections) {
      const caller = connection.caller;
      if (caller === undefined || caller.deviceId !== deviceId) continue;
      if (caller.authMethod !== 'device-token' && caller.authMethod !== 'bootstrap-token') continue;
      if (role !== undefined && caller.role !== role) continue;
      this.#options.logger.info({ connId: connection.connId, deviceId, role: caller.role, change }, 'closing device session');
      setImmediate(() => connection.fail(error));
    }
  }

  /**
   * Schedules one `presence` broadcast for all changes within PRESENCE_COALESCE_MS. Broadcasting the
   * full list on every connect is O(n²) when many clients (re)connect at once, e.g. after a restart.
   */
  schedulePresence(): void {
    if (this.#isPresencePending || this.#options.isDraining()) return;
    this.#isPresencePending = true;
    this.#presenceTimer = this.#options.clock.setTimeout(() => {
      this.#isPresencePending = false;
      this.#options.broadcastPresence();
    }, PRESENCE_COALESCE_MS);
  }

  /** Drops a scheduled presence broadcast (the gateway is stopping). */
  cancelPresence(): void {
    this.#options.clock.clearTimeout(this.#presenceTimer);
    this.#isPresencePending = false;
  }

  /** Connections still in the handshake, and all of them. */
  counts(): { pending: number; total: number } {
    let pending = 0;
    for (const c of this.connections) if (c.state === 'awaitingConnect' || c.state === 'authenticating') pending++;
    return { pending, total: this.connections.size };
  }

  roleCounts(): { total: number; operators: number; nodes: number } {
    let operators = 0;
    let nodes = 0;
    for (const connection of this.connections) {
      if (connection.caller?.role === 'operator') operators++;
      if (connection.caller?.role === 'node') nodes++;
    }
    return { total: operators + nodes, operators, nodes };
  }

  /** The verified Tailscale user for an operator connect (never for nodes, as in OpenClaw). */
  async #tailscaleUserFor(connection: GatewayConnection, params: unknown): Promise<TailscaleIdentity | undefined> {
    const pending = this.#tailscaleUsers.get(connection);
    if (pending === undefined) return undefined;
    const role = typeof params === 'object' && params !== null ? (params as { role?: unknown }).role : undefined;
    if (role !== undefined && role !== 'operator') return undefined;
    return pending;
  }

  #auditConnect(connection: GatewayConnection, frame: RequestFrame, outcome: 'allowed' | 'denied' | 'pending', code: string): void {
    const params = isConnectParamsLike(frame.params) ? frame.params : undefined;
    this.#options.pairing.auditConnect({ params, remoteAddress: connection.clientAddress.address, connId: connection.connId }, outcome, code);
  }
}

/** Enough of a connect frame to audit who tried (schema-invalid frames are audited without it). */
function isConnectParamsLike(value: unknown): value is Parameters<PairingService['auditConnect']>[0]['params'] {
  if (typeof value !== 'object' || value === null) return false;
  const client = (value as { client?: unknown }).client;
  return typeof client === 'object' && client !== null && typeof (client as { id?: unknown }).id === 'string';
}
