/**
 * @module gateway/connection-lifecycle — what happens to a connection between its socket and its close.
 *
 * Creates the `GatewayConnection` for an accepted socket and sends the challenge; runs `connect`
 * (Tailscale identity, rate limiter, credential checks, audit, presence, hello-ok, node registration);
 * hands requests to the dispatcher; and on close aborts the connection's in-flight requests and
 * detaches it from the event bus (or hands it to its resume journal), the node registry and presence.
 * Presence changes are coalesced and paced.
 */
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { GatewayError, MAX_PREAUTH_PAYLOAD_BYTES, type RequestFrame } from '../protocol/index.js';
import type { Logger } from '../logging/index.js';
import type { Clock } from '../time/index.js';
import { acceptConnect, type AcceptedConnect } from './handshake.js';
import type { SplicedHelloResponse } from './hello.js';
import { ownerChannelAddress, resolveClientAddress, type ResolvedClientAddress } from './http/client-address.js';
import type { Admission, AdmissionRefusal, TrackableSocket } from './http/admission.js';
import { limitPreAuthReads } from './http/preauth-reader.js';
import { globalSourceFor, type AuthRateLimiter } from './pairing/auth-rate-limit.js';
import { isOwner } from './owner.js';
import type { SendBudget } from './send-budget.js';
import { GatewayConnection, type ConnectionHandler } from './connection.js';
import type { Dispatcher } from './dispatcher.js';
import type { EventBus } from './event-bus.js';
import type { EventJournals } from './event-journal.js';
import type { PairingService } from './pairing/service.js';
import type { NodeService } from './nodes/service.js';
import type { PresenceRegistry } from './presence.js';
import type { PacedFlush } from './paced-flush.js';
import type { GatewaySettings } from './settings.js';
import type { TailscaleIdentity, TailscaleIdentityVerifier } from './tailscale/identity.js';

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
  /** Replay windows of `events.resume`: told of every ready and closed connection. */
  eventJournals: EventJournals;
  dispatcher: Dispatcher;
  authLimiter: AuthRateLimiter;
  tailscaleIdentity: TailscaleIdentityVerifier | undefined;
  /** The hello-ok response frame for an accepted connect: text, or text around shared presence bytes. */
  helloOkResponse: (requestId: string, connId: string, accepted: AcceptedConnect) => string | SplicedHelloResponse;
  /** Coalesces presence changes into paced `presence` broadcasts (paced-flush.ts). */
  presenceBroadcast: PacedFlush;
  isDraining: () => boolean;
  /** Socket, handshake and connection counts (issue 12, holes 3-4). */
  admission: Admission;
  /** The budget every connection's send buffer shares. */
  sendBudget?: SendBudget | undefined;
  /** True for a request that arrived on the owner socket. */
  isOwnerChannel: (request: IncomingMessage) => boolean;
}

/** What a connection holds in the admission counts, released when it closes. */
interface Held {
  handshakeSource?: string | undefined;
  principal?: { key: string; isOwner: boolean } | undefined;
  disarmPreAuthReads?: (() => void) | undefined;
  rawSocket?: TrackableSocket | undefined;
}

export class ConnectionLifecycle implements ConnectionHandler {
  readonly connections = new Set<GatewayConnection>();
  readonly #options: ConnectionLifecycleOptions;
  readonly #tailscaleRequests = new WeakMap<GatewayConnection, IncomingMessage>();
  readonly #held = new WeakMap<GatewayConnection, Held>();
  /** Keyed by the raw socket, not the request: a close listener holding the request kept its headers alive for the connection's life. */
  readonly #handshakeSources = new WeakMap<object, string>();

  constructor(options: ConnectionLifecycleOptions) {
    this.#options = options;
  }

  /**
   * Counts an upgrade against the pending-handshake caps (all, and per canonical source) before the
   * 101; the slot is released once the connection authenticates or closes. The owner socket is not
   * counted. Returns the refusal, if any.
   */
  admitHandshake(request: IncomingMessage): AdmissionRefusal | undefined {
    if (this.#options.isOwnerChannel(request)) return undefined;
    const source = globalSourceFor(resolveClientAddress(request, this.#options.settings.hardening.trustedProxies));
    const refusal = this.#options.admission.admitHandshake(source);
    if (refusal !== undefined) return refusal;
    const socket = request.socket;
    this.#handshakeSources.set(socket, source);
    // An upgrade ws refuses (bad key, bad version) never becomes a connection: free its slot on close.
    socket.on('close', () => {
      if (this.#handshakeSources.delete(socket)) this.#options.admission.releaseHandshake(source);
    });
    return undefined;
  }

  /** Wraps an upgraded socket in a connection and sends `connect.challenge`. */
  accept(socket: WebSocket, request: IncomingMessage): GatewayConnection {
    const { settings, logger, clock } = this.#options;
    const nonce = this.#options.createId();
    const origin = request.headers.origin;
    const clientAddress: ResolvedClientAddress = this.#options.isOwnerChannel(request)
      ? ownerChannelAddress(typeof origin === 'string' ? origin : undefined)
      : resolveClientAddress(request, settings.hardening.trustedProxies);
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
      ...(this.#options.sendBudget === undefined ? {} : { sendBudget: this.#options.sendBudget }),
    });
    this.connections.add(connection);
    this.#options.events.attach(connection);
    // Past one maximal connect frame, stop reading at once instead of letting ws buffer the rest.
    const disarmPreAuthReads = limitPreAuthReads(request.socket, (bytesRead) =>
      connection.fail(new GatewayError('PAYLOAD_TOO_LARGE', { sizeBytes: bytesRead, limitBytes: MAX_PREAUTH_PAYLOAD_BYTES })),
    );
    const handshakeSource = this.#handshakeSources.get(request.socket);
    this.#handshakeSources.delete(request.socket); // the connection owns the slot now
    this.#held.set(connection, { handshakeSource, disarmPreAuthReads, rawSocket: request.socket });
    // Tailscale whois runs only once a connect frame arrives, never for a bare upgrade (hole 3).
    if (this.#options.tailscaleIdentity !== undefined) this.#tailscaleRequests.set(connection, request);
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
    const principal = {
      key: accepted.deviceId !== undefined ? `device:${accepted.deviceId}` : `${accepted.authMethod}:${globalSourceFor(connection.clientAddress)}`,
      isOwner: connection.clientAddress.isOwnerChannel === true || isOwner({ authMethod: accepted.authMethod, scopes: accepted.scopes }),
    };
    if (this.#options.admission.admitConnection(principal.key, principal.isOwner) !== undefined) {
      logger.warn({ connId: connection.connId, principal: principal.key }, 'refusing connection: per-principal or total limit reached');
      connection.fail(new GatewayError('TOO_MANY_CONNECTIONS'), frame.id);
      return;
    }
    this.#authenticated(connection, principal);
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
      readyAtMs: this.#options.clock.now(),
    };
    connection.markReady(caller);
    this.#options.eventJournals.onReady(caller, principal.key);
    this.#auditConnect(connection, frame, 'allowed', accepted.authMethod);
    const presenceChanged = this.#options.presence.add(caller);
    const hello = this.#options.helloOkResponse(frame.id, connection.connId, accepted);
    if (typeof hello === 'string') connection.sendResponseText(hello);
    else connection.sendResponseParts(hello.head, hello.presence, hello.tail);
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
    await this.#options.dispatcher.dispatch(frame, caller, connection);
  }

  handleClose(connection: GatewayConnection): void {
    // First: handlers still running for this connection see their signal abort.
    this.#options.dispatcher.closeConnection(connection.connId);
    this.connections.delete(connection);
    this.#release(connection);
    // A journaled connection's journal takes its place on the bus for the replay window.
    if (!this.#options.eventJournals.onClose(connection.connId, connection.lastSeq)) this.#options.events.detach(connection.connId);
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
   * Closes, right after the current reply goes out, every socket that authenticated with the shared
   * secret (token or password): after a rotation the old secret must stop working at once (T-AUTH-1).
   * Returns how many were closed.
   */
  closeSharedSecretSessions(): number {
    const error = new GatewayError('SHARED_SECRET_ROTATED');
    let closed = 0;
    for (const connection of this.connections) {
      const method = connection.caller?.authMethod;
      if (method !== 'token' && method !== 'password') continue;
      closed++;
      setImmediate(() => connection.fail(error));
    }
    return closed;
  }

  /** Presence changed: one paced broadcast (paced-flush.ts), none while draining. */
  schedulePresence(): void {
    if (!this.#options.isDraining()) this.#options.presenceBroadcast.markChanged();
  }

  /** Drops a scheduled presence broadcast (the gateway is stopping). */
  cancelPresence(): void {
    this.#options.presenceBroadcast.cancel();
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

  /**
   * The verified Tailscale user for an operator connect (never for nodes, as in OpenClaw). Looked up
   * only for a connect that carries no shared secret: with one, the identity is not needed, and the
   * verifier bounds how many `tailscale whois` run at once.
   */
  async #tailscaleUserFor(connection: GatewayConnection, params: unknown): Promise<TailscaleIdentity | undefined> {
    const request = this.#tailscaleRequests.get(connection);
    const verifier = this.#options.tailscaleIdentity;
    if (request === undefined || verifier === undefined) return undefined;
    this.#tailscaleRequests.delete(connection);
    const record = typeof params === 'object' && params !== null ? (params as { role?: unknown; auth?: { token?: unknown; password?: unknown } }) : {};
    if (record.role !== undefined && record.role !== 'operator') return undefined;
    if (isNonEmptyString(record.auth?.token) || isNonEmptyString(record.auth?.password)) return undefined;
    return verifier.verify(request).catch(() => undefined);
  }

  /** The connection authenticated: it leaves the pre-auth counts and holds a principal slot. */
  #authenticated(connection: GatewayConnection, principal: { key: string; isOwner: boolean }): void {
    const held = this.#held.get(connection) ?? {};
    held.disarmPreAuthReads?.();
    if (held.handshakeSource !== undefined) this.#options.admission.releaseHandshake(held.handshakeSource);
    if (held.rawSocket !== undefined) this.#options.admission.untrackSocket(held.rawSocket);
    this.#held.set(connection, { principal });
  }

  /** Gives back whatever the connection still holds in the admission counts. */
  #release(connection: GatewayConnection): void {
    const held = this.#held.get(connection);
    if (held === undefined) return;
    this.#held.delete(connection);
    held.disarmPreAuthReads?.();
    if (held.handshakeSource !== undefined) this.#options.admission.releaseHandshake(held.handshakeSource);
    if (held.principal !== undefined) this.#options.admission.releaseConnection(held.principal.key, held.principal.isOwner);
  }

  #auditConnect(connection: GatewayConnection, frame: RequestFrame, outcome: 'allowed' | 'denied' | 'pending', code: string): void {
    const params = isConnectParamsLike(frame.params) ? frame.params : undefined;
    this.#options.pairing.auditConnect({ params, remoteAddress: connection.clientAddress.address, connId: connection.connId }, outcome, code);
  }
}

function isNonEmptyString(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}

/** Enough of a connect frame to audit who tried (schema-invalid frames are audited without it). */
function isConnectParamsLike(value: unknown): value is Parameters<PairingService['auditConnect']>[0]['params'] {
  if (typeof value !== 'object' || value === null) return false;
  const client = (value as { client?: unknown }).client;
  return typeof client === 'object' && client !== null && typeof (client as { id?: unknown }).id === 'string';
}
