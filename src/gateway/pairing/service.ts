/**
 * @module gateway/pairing/service — who a connecting client is: credentials, device proof, pairing.
 *
 * Decision order (each step a guard with its own coded error):
 *  1. No credential at all → the shared-secret "missing" error (AUTH_TOKEN_MISSING). Nothing is
 *     queued: an open port must not let strangers file approval requests.
 *  2. A `device` block must prove itself (device-proof.ts), whatever credential comes with it.
 *  3. The shared secret is the owner's credential: the client gets the scopes it asks for; a device
 *     presented with it is registered as approved and gets a fresh per-role device token.
 *  4. A device token (auth.deviceToken, or auth.token that is not the shared secret) authenticates a
 *     paired device for the roles and scopes it was approved for.
 *  5. A bootstrap token (setup code) lets a new device queue one pairing request and wait; once
 *     approved, the same device collects its device token with it.
 * A new role or wider scopes than approved queues a request instead of connecting.
 */
import {
  GatewayError,
  OPERATOR_SCOPES,
  scopeSatisfies,
  type ConnectParams,
  type DeviceProof,
  type OperatorScope,
  type Role,
} from '../../protocol/index.js';
import type { Logger } from '../../logging/index.js';
import type { PairedDevice, PairingReason, PairingRequest, StateStore } from '../../store/index.js';
import { verifySharedSecret, type AuthMethod, type SharedSecretAuth } from './shared-secret.js';
import { verifyDeviceProof, type VerifiedDevice } from './device-proof.js';

/** How a connection authenticated. */
export type ConnectAuthMethod = AuthMethod | 'device-token' | 'bootstrap-token';

export interface PairingDeps {
  store: StateStore;
  auth: SharedSecretAuth;
  now: () => number;
  logger: Logger;
  /** Sends an event to the connections allowed to see it (the server filters by EVENT_SCOPES). */
  emit: (event: string, payload: unknown) => void;
  /** Closes live connections that authenticated with a device token of `deviceId` (every role when undefined). */
  disconnectDevice: (deviceId: string, role: string | undefined, change: string) => void;
}

export interface ConnectAttempt {
  params: ConnectParams;
  role: Role;
  challengeNonce: string;
  remoteAddress: string;
  connId: string;
  /** Replaces the configured shared-secret check (a Tailscale-verified identity passes as `none`). */
  sharedAuth?: SharedSecretAuth | undefined;
}

export interface ConnectIdentity {
  authMethod: ConnectAuthMethod;
  /** The live scope set for the socket. */
  scopes: string[];
  deviceId?: string;
  /** Returned in `hello-ok.auth.deviceToken` for the client to store and reuse. */
  deviceToken?: { token: string; issuedAtMs: number };
}

export class PairingService {
  readonly #deps: PairingDeps;

  constructor(deps: PairingDeps) {
    this.#deps = deps;
  }

  /** Authenticates one `connect`; returns the identity to grant or throws a coded error. */
  authenticate(attempt: ConnectAttempt): ConnectIdentity {
    const { params, role } = attempt;
    const auth = params.auth;
    const shared = attempt.sharedAuth ?? this.#deps.auth;
    const sharedCredential = shared.mode === 'token' ? auth?.token : shared.mode === 'password' ? auth?.password : 'none';
    const hasAny = [auth?.token, auth?.password, auth?.deviceToken, auth?.bootstrapToken].some(isPresent) || shared.mode === 'none';
    if (!hasAny) verifySharedSecret(shared, auth); // throws the mode's MISSING error
    const requested = requestedScopes(role, params.scopes);
    const device = params.device === undefined ? undefined : this.#verifyDevice(attempt, params.device);

    if (isPresent(sharedCredential)) {
      try {
        const method = verifySharedSecret(shared, auth);
        return this.#connectOwner(attempt, method, requested, device);
      } catch (error) {
        // auth.token may carry a device token instead of the shared secret (OpenClaw allows it).
        const asDeviceToken = device !== undefined && shared.mode === 'token' ? auth?.token : undefined;
        if (!isPresent(asDeviceToken) || isPresent(auth?.deviceToken) || this.#deps.store.deviceTokens.match(device!.deviceId, asDeviceToken) === undefined) {
          throw withDetails(error, { canRetryWithDeviceToken: device !== undefined && !isPresent(auth?.deviceToken) });
        }
        return this.#connectWithDeviceToken(attempt, requested, device!, asDeviceToken);
      }
    }
    // In password mode auth.token can only be a device token, and only alongside a device block.
    const deviceToken = isPresent(auth?.deviceToken) ? auth.deviceToken : shared.mode === 'password' && device !== undefined && isPresent(auth?.token) ? auth.token : undefined;
    if (isPresent(deviceToken)) {
      if (device === undefined) throw new GatewayError('DEVICE_IDENTITY_REQUIRED', { authReason: 'device_token_without_device' });
      return this.#connectWithDeviceToken(attempt, requested, device, deviceToken);
    }
    if (isPresent(auth?.bootstrapToken)) {
      if (device === undefined) throw new GatewayError('DEVICE_IDENTITY_REQUIRED', { authReason: 'bootstrap_token_without_device' });
      return this.#connectWithBootstrapToken(attempt, requested, device, auth.bootstrapToken);
    }
    return verifySharedSecret(shared, auth) as never; // a credential of the wrong kind: the mode's MISSING error
  }

  /**
   * Records a connect outcome in the audit log (never the credential). A refused client that presented
   * no credential at all leaves nothing on disk: at wire speed its connects were 63 KB rows each
   * (issue 12, hole 5); the bounded log line is enough for those.
   */
  auditConnect(attempt: { params?: ConnectParams | undefined; remoteAddress: string; connId: string }, outcome: 'allowed' | 'denied' | 'pending', code: string): void {
    if (outcome !== 'allowed' && !hasCredential(attempt.params)) return;
    this.#audit({
      event: 'connect',
      outcome,
      code,
      deviceId: attempt.params?.device?.id,
      role: attempt.params?.role ?? 'operator',
      clientId: attempt.params?.client.id,
      remoteAddress: attempt.remoteAddress,
      actor: attempt.connId,
    });
  }

  #verifyDevice(attempt: ConnectAttempt, device: DeviceProof): VerifiedDevice {
    return verifyDeviceProof(attempt.params, device, attempt.role, { challengeNonce: attempt.challengeNonce, nowMs: this.#deps.now() });
  }

  /** Shared secret: the owner. A device presented with it is approved and gets a fresh token for this role. */
  #connectOwner(attempt: ConnectAttempt, method: AuthMethod, requested: string[], device: VerifiedDevice | undefined): ConnectIdentity {
    if (device === undefined) return { authMethod: method, scopes: requested };
    return { ...this.#approveDevice(attempt, 'shared-secret', requested, device), authMethod: method };
  }

  /** Registers the device as approved for this role and scopes and issues it a fresh device token. */
  #approveDevice(attempt: ConnectAttempt, approvedVia: string, requested: string[], device: VerifiedDevice): Omit<ConnectIdentity, 'authMethod'> {
    const { store } = this.#deps;
    const nowMs = this.#deps.now();
    const { issued, resolved, hadToken } = store.transaction(() => {
      const approved = store.devices.approve(
        { ...deviceInput(attempt, device), roles: [attempt.role], scopes: requested, approvedVia },
        nowMs,
      );
      const resolvedRequests = store.pairingRequests.removeForDevice(device.deviceId);
      const previous = store.deviceTokens.get(device.deviceId, attempt.role);
      const token = store.deviceTokens.issue(device.deviceId, attempt.role, scopesFor(attempt.role, approved), nowMs);
      store.devices.touch(device.deviceId, nowMs, attempt.remoteAddress);
      return { issued: token, resolved: resolvedRequests, hadToken: previous !== undefined && previous.revokedAtMs === undefined };
    });
    for (const request of resolved) this.#emitResolved(request, 'approved');
    // The replaced token stops working; sockets that authenticated with it go too.
    if (hadToken) this.#deps.disconnectDevice(device.deviceId, attempt.role, 'device token replaced');
    return { scopes: requested, deviceId: device.deviceId, deviceToken: { token: issued.token, issuedAtMs: issued.issuedAtMs } };
  }

  /** A paired device's own token. A token of another role proves the device, so it may collect an approved role's token. */
  #connectWithDeviceToken(attempt: ConnectAttempt, requested: string[], device: VerifiedDevice, token: string): ConnectIdentity {
    const { store } = this.#deps;
    const nowMs = this.#deps.now();
    const matched = store.deviceTokens.match(device.deviceId, token);
    const paired = store.devices.get(device.deviceId);
    if (matched === undefined || paired === undefined) throw new GatewayError('AUTH_DEVICE_TOKEN_MISMATCH', { authReason: 'device_token_mismatch' });
    if (matched.role === attempt.role) {
      if (!coversAll(matched.scopes, requested)) {
        const request = this.#requestPairing(attempt, device, requested, 'scope-upgrade');
        throw new GatewayError('AUTH_SCOPE_MISMATCH', { authReason: 'scope_mismatch', ...pendingDetails(request) });
      }
      store.transaction(
        () => {
          store.deviceTokens.markUsed(device.deviceId, attempt.role, nowMs);
          store.devices.touch(device.deviceId, nowMs, attempt.remoteAddress);
        },
        { durable: false },
      );
      return { authMethod: 'device-token', scopes: requested, deviceId: device.deviceId, deviceToken: { token, issuedAtMs: matched.issuedAtMs } };
    }
    return this.#collectApprovedRole(attempt, requested, device, paired, 'device-token');
  }

  /** Setup code: claim it for this device, then wait for approval (one pending request) or collect the token. */
  #connectWithBootstrapToken(attempt: ConnectAttempt, requested: string[], device: VerifiedDevice, bootstrapToken: string): ConnectIdentity {
    const { store } = this.#deps;
    const nowMs = this.#deps.now();
    const refusal = store.transaction(() => store.bootstrapTokens.claim(bootstrapToken, device.deviceId, nowMs), { durable: false });
    if (refusal !== undefined) throw new GatewayError('AUTH_BOOTSTRAP_TOKEN_INVALID', { authReason: 'bootstrap_token_invalid' });
    const paired = store.devices.get(device.deviceId);
    // A dashboard link (profile owner, issued by an admin): the first device key that shows it is
    // the owner's browser. Approved at once as an operator; the token is spent in the same step.
    if (paired === undefined && attempt.role === 'operator' && store.bootstrapTokens.profileOf(bootstrapToken) === 'owner') {
      const identity = this.#approveDevice(attempt, 'bootstrap-owner', requested, device);
      store.transaction(() => store.bootstrapTokens.redeem(bootstrapToken, nowMs));
      return { ...identity, authMethod: 'bootstrap-token' };
    }
    if (paired === undefined) {
      const request = this.#requestPairing(attempt, device, requested, 'not-paired');
      throw new GatewayError('PAIRING_REQUIRED', pendingDetails(request));
    }
    const identity = this.#collectApprovedRole(attempt, requested, device, paired, 'bootstrap-token');
    store.transaction(() => store.bootstrapTokens.redeem(bootstrapToken, nowMs));
    return identity;
  }

  /** Issues the token for an approved role/scope set, or queues the upgrade request and refuses. */
  #collectApprovedRole(
    attempt: ConnectAttempt,
    requested: string[],
    device: VerifiedDevice,
    paired: PairedDevice,
    method: 'device-token' | 'bootstrap-token',
  ): ConnectIdentity {
    const { store } = this.#deps;
    if (!paired.roles.includes(attempt.role) || !coversAll(scopesFor(attempt.role, paired), requested)) {
      const reason: PairingReason = paired.roles.includes(attempt.role) ? 'scope-upgrade' : 'role-upgrade';
      throw new GatewayError('PAIRING_REQUIRED', pendingDetails(this.#requestPairing(attempt, device, requested, reason)));
    }
    const nowMs = this.#deps.now();
    const { issued, hadToken } = store.transaction(() => {
      const previous = store.deviceTokens.get(device.deviceId, attempt.role);
      const token = store.deviceTokens.issue(device.deviceId, attempt.role, scopesFor(attempt.role, paired), nowMs);
      store.devices.touch(device.deviceId, nowMs, attempt.remoteAddress);
      return { issued: token, hadToken: previous !== undefined && previous.revokedAtMs === undefined };
    });
    if (hadToken) this.#deps.disconnectDevice(device.deviceId, attempt.role, 'device token replaced');
    return { authMethod: method, scopes: requested, deviceId: device.deviceId, deviceToken: { token: issued.token, issuedAtMs: issued.issuedAtMs } };
  }

  /** Creates (or refreshes) the device's pending request and tells pairing managers about a new one. */
  #requestPairing(attempt: ConnectAttempt, device: VerifiedDevice, requested: string[], reason: PairingReason): PairingRequest {
    const { store } = this.#deps;
    const nowMs = this.#deps.now();
    const { request, isNew } = store.transaction(() => {
      store.pairingRequests.purgeExpired(nowMs);
      const result = store.pairingRequests.upsert({ ...deviceInput(attempt, device), role: attempt.role, scopes: requested, reason }, nowMs);
      if (result.isNew) {
        this.#audit({ event: 'pair.request', outcome: 'pending', code: reason, deviceId: device.deviceId, role: attempt.role, clientId: attempt.params.client.id, remoteAddress: attempt.remoteAddress, actor: attempt.connId, detail: { requestId: result.request.requestId, scopes: requested } });
      }
      return result;
    }, { durable: false });
    if (isNew) {
      this.#deps.logger.info({ requestId: request.requestId, deviceId: request.deviceId, role: request.role, reason }, 'pairing requested');
      this.#deps.emit('device.pair.requested', { ...request, roles: [request.role], isRepair: reason !== 'not-paired', silent: false, ts: nowMs });
    }
    return request;
  }

  #emitResolved(request: PairingRequest, decision: 'approved' | 'rejected'): void {
    this.#deps.emit('device.pair.resolved', { requestId: request.requestId, deviceId: request.deviceId, decision, ts: this.#deps.now() });
  }

  #audit(entry: Parameters<StateStore['audit']['record']>[0]): void {
    try {
      this.#deps.store.audit.record(entry, this.#deps.now());
    } catch (error) {
      this.#deps.logger.error({ err: error, event: entry.event }, 'audit log write failed');
    }
  }
}

/** The operator scopes a role may ask for: known operator scopes for operators (deduplicated, order kept), none for nodes. */
export function requestedScopes(role: Role, scopes: readonly string[] | undefined): string[] {
  if (role !== 'operator' || scopes === undefined) return [];
  const known = new Set<string>(OPERATOR_SCOPES);
  return [...new Set(scopes.filter((scope) => known.has(scope)))];
}

/** Scopes a device's token for `role` carries: its approved operator scopes, or none for nodes. */
function scopesFor(role: string, device: PairedDevice): string[] {
  return role === 'operator' ? device.scopes : [];
}

/** True when `held` satisfies every scope in `wanted` (admin and write imply others, as everywhere). */
export function coversAll(held: readonly string[], wanted: readonly string[]): boolean {
  return wanted.every((scope) => scopeSatisfies(held, scope as OperatorScope));
}

function deviceInput(attempt: ConnectAttempt, device: VerifiedDevice): {
  deviceId: string;
  publicKey: string;
  displayName: string | undefined;
  platform: string;
  deviceFamily: string | undefined;
  clientId: string;
  clientMode: string;
  remoteAddress: string;
} {
  const { client } = attempt.params;
  return {
    deviceId: device.deviceId,
    publicKey: device.publicKey,
    displayName: client.displayName,
    platform: client.platform,
    deviceFamily: client.deviceFamily,
    clientId: client.id,
    clientMode: client.mode,
    remoteAddress: attempt.remoteAddress,
  };
}

/**
 * Details of a "wait for approval" refusal. `pauseReconnect: false` and `wait_then_retry` keep the
 * OpenClaw node host retrying (1 s doubling to 30 s) instead of stopping until restarted.
 */
function pendingDetails(request: PairingRequest): Record<string, unknown> {
  return { reason: request.reason, requestId: request.requestId, deviceId: request.deviceId, pauseReconnect: false, expiresAtMs: request.expiresAtMs };
}

function withDetails(error: unknown, extra: Record<string, unknown>): unknown {
  if (!(error instanceof GatewayError)) return error;
  return new GatewayError(error.code, { ...error.details, ...extra });
}

/** True when a connect carried any credential (shared secret, device token or setup code). */
export function hasCredential(params: Pick<ConnectParams, 'auth'> | undefined): boolean {
  const auth = params?.auth;
  return [auth?.token, auth?.password, auth?.deviceToken, auth?.bootstrapToken].some((value) => typeof value === 'string' && value !== '');
}

function isPresent(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}
