/**
 * @module gateway/pairing/device-admin — what pairing managers do: list, approve, reject, remove, rotate,
 * revoke, and mint setup codes.
 *
 * Handler gates on top of the method's `operator.pairing`: an approver can never grant a scope it
 * does not hold, and anything about the `node` role (approve, rotate, revoke) needs `operator.admin`,
 * as in OpenClaw. Every change is one transaction, committed (durably) before the reply is sent, and
 * audited. Revoking or replacing a token closes the sockets that authenticated with it at once.
 */
import { GatewayError, missingScope, scopeSatisfies, type OperatorScope } from '../../protocol/index.js';
import type { BootstrapProfile, PairedDevice, PairingRequest } from '../../store/index.js';
import type { CallerInfo } from '../method-context.js';
import { isOwner, requireOwnerOrSelf } from '../owner.js';
import type { PairingDeps } from './service.js';

export interface DeviceView extends PairedDevice {
  tokens: ReturnType<PairingDeps['store']['deviceTokens']['listForDevice']>;
}

export class DeviceAdmin {
  readonly #deps: PairingDeps;

  constructor(deps: PairingDeps) {
    this.#deps = deps;
  }

  /** Pending requests and paired devices; a non-owner session (device token, setup code) sees only its own device. */
  list(caller: CallerInfo): { pending: PairingRequest[]; paired: DeviceView[] } {
    const { store } = this.#deps;
    const nowMs = this.#deps.now();
    const paired = store.devices.list().filter((device) => isOwner(caller) || device.deviceId === caller.deviceId);
    return { pending: store.pairingRequests.list(nowMs), paired: paired.map((device) => this.#view(device)) };
  }

  approve(requestId: string, caller: CallerInfo): { requestId: string; device: DeviceView } {
    const { store } = this.#deps;
    const nowMs = this.#deps.now();
    const request = store.pairingRequests.get(requestId, nowMs);
    if (request === undefined) throw new GatewayError('PAIRING_REQUEST_NOT_FOUND', { requestId });
    if (request.role !== 'operator') requireScope(caller, 'operator.admin');
    for (const scope of request.scopes) requireScope(caller, scope as OperatorScope);
    const device = store.transaction(() => {
      const approved = store.devices.approve(
        { ...request, roles: [request.role], scopes: request.role === 'operator' ? request.scopes : [], approvedVia: 'operator' },
        nowMs,
      );
      // A live token for this role picks up the widened scopes in place: the device keeps its token.
      const token = store.deviceTokens.get(request.deviceId, request.role);
      if (token !== undefined && token.revokedAtMs === undefined && request.role === 'operator') {
        store.deviceTokens.setScopes(request.deviceId, request.role, approved.scopes);
      }
      store.pairingRequests.remove(requestId);
      this.#audit('pair.approve', caller, { deviceId: request.deviceId, role: request.role, detail: { requestId, scopes: request.scopes } });
      return approved;
    });
    this.#deps.logger.info({ requestId, deviceId: request.deviceId, role: request.role, by: caller.connId }, 'pairing approved');
    this.#emitResolved(request, 'approved');
    return { requestId, device: this.#view(device) };
  }

  reject(requestId: string, caller: CallerInfo): { requestId: string; deviceId: string } {
    const { store } = this.#deps;
    const request = store.pairingRequests.get(requestId, this.#deps.now());
    if (request === undefined) throw new GatewayError('PAIRING_REQUEST_NOT_FOUND', { requestId });
    store.transaction(() => {
      store.pairingRequests.remove(requestId);
      this.#audit('pair.reject', caller, { deviceId: request.deviceId, role: request.role, detail: { requestId } });
    });
    this.#emitResolved(request, 'rejected');
    return { requestId, deviceId: request.deviceId };
  }

  /** Sets a device's operator-chosen label. */
  rename(input: { deviceId: string; label: string }, caller: CallerInfo): { deviceId: string; label: string } {
    requireOwnDevice(caller, input.deviceId, 'rename');
    const { store } = this.#deps;
    const label = input.label.trim();
    if (label === '') throw new GatewayError('INVALID_PARAMS', { method: 'device.pair.rename', reason: 'label is blank' });
    store.transaction(() => {
      if (!store.devices.setLabel(input.deviceId, label)) throw new GatewayError('DEVICE_NOT_FOUND', { deviceId: input.deviceId });
      this.#audit('device.rename', caller, { deviceId: input.deviceId, detail: { label } });
    });
    return { deviceId: input.deviceId, label };
  }

  remove(deviceId: string, caller: CallerInfo): { deviceId: string; removed: true } {
    requireOwnDevice(caller, deviceId, 'remove');
    const { store } = this.#deps;
    const { removed, requests } = store.transaction(() => {
      const requestsOfDevice = store.pairingRequests.removeForDevice(deviceId);
      const existed = store.devices.remove(deviceId);
      if (existed || requestsOfDevice.length > 0) this.#audit('device.remove', caller, { deviceId });
      return { removed: existed, requests: requestsOfDevice };
    });
    for (const request of requests) this.#emitResolved(request, 'rejected');
    if (!removed && requests.length === 0) throw new GatewayError('DEVICE_NOT_FOUND', { deviceId });
    this.#deps.disconnectDevice(deviceId, undefined, 'device removed');
    return { deviceId, removed: true };
  }

  rotate(
    input: { deviceId: string; role: string; scopes?: readonly string[] | undefined },
    caller: CallerInfo,
  ): { deviceId: string; role: string; scopes: string[]; issuedAtMs: number; deviceToken?: string } {
    requireOwnDevice(caller, input.deviceId, 'rotate tokens of');
    const { store } = this.#deps;
    const device = this.#requireDeviceRole(input.deviceId, input.role);
    const current = store.deviceTokens.get(input.deviceId, input.role);
    const approvedScopes = input.role === 'operator' ? device.scopes : [];
    const scopes = input.role === 'operator' ? [...new Set(input.scopes ?? current?.scopes ?? approvedScopes)].sort() : [];
    const notApproved = scopes.filter((scope) => !scopeSatisfies(approvedScopes, scope as OperatorScope));
    if (notApproved.length > 0) throw new GatewayError('DEVICE_SCOPES_NOT_APPROVED', { deviceId: input.deviceId, scopes: notApproved.join(',') });
    this.#requireTokenAuthority(caller, input.role, scopes);
    const nowMs = this.#deps.now();
    const issued = store.transaction(() => {
      const token = store.deviceTokens.issue(input.deviceId, input.role, scopes, nowMs);
      this.#audit('token.rotate', caller, { deviceId: input.deviceId, role: input.role, detail: { scopes } });
      return token;
    });
    this.#deps.disconnectDevice(input.deviceId, input.role, 'device token rotated');
    const result: { deviceId: string; role: string; scopes: string[]; issuedAtMs: number; deviceToken?: string } = {
      deviceId: input.deviceId,
      role: input.role,
      scopes: issued.scopes,
      issuedAtMs: issued.issuedAtMs,
    };
    // The new bearer goes only to the device itself or to an admin who will hand it over.
    const isSelf = caller.deviceId === input.deviceId && caller.authMethod === 'device-token';
    if (isSelf || scopeSatisfies(caller.scopes, 'operator.admin')) result.deviceToken = issued.token;
    return result;
  }

  revoke(input: { deviceId: string; role: string }, caller: CallerInfo): { deviceId: string; role: string; revokedAtMs: number } {
    requireOwnDevice(caller, input.deviceId, 'revoke tokens of');
    const { store } = this.#deps;
    this.#requireDeviceRole(input.deviceId, input.role);
    const token = store.deviceTokens.get(input.deviceId, input.role);
    if (token === undefined || token.revokedAtMs !== undefined) throw new GatewayError('DEVICE_TOKEN_NOT_FOUND', { deviceId: input.deviceId, role: input.role });
    this.#requireTokenAuthority(caller, input.role, token.scopes);
    const nowMs = this.#deps.now();
    store.transaction(() => {
      store.deviceTokens.revoke(input.deviceId, input.role, nowMs);
      this.#audit('token.revoke', caller, { deviceId: input.deviceId, role: input.role });
    });
    this.#deps.disconnectDevice(input.deviceId, input.role, 'device token revoked');
    return { deviceId: input.deviceId, role: input.role, revokedAtMs: nowMs };
  }

  /** Mints a one-time bootstrap token valid for `ttlMs`. */
  issueBootstrapToken(ttlMs: number, caller: CallerInfo, profile: BootstrapProfile = 'pair'): { token: string; expiresAtMs: number } {
    const { store } = this.#deps;
    const nowMs = this.#deps.now();
    return store.transaction(() => {
      store.bootstrapTokens.purgeExpired(nowMs);
      const issued = store.bootstrapTokens.issue(ttlMs, nowMs, profile);
      this.#audit('setup-code.issue', caller, { detail: { expiresAtMs: issued.expiresAtMs, profile } });
      return issued;
    });
  }

  #requireDeviceRole(deviceId: string, role: string): PairedDevice {
    const device = this.#deps.store.devices.get(deviceId);
    if (device === undefined) throw new GatewayError('DEVICE_NOT_FOUND', { deviceId });
    if (!device.roles.includes(role)) throw new GatewayError('DEVICE_TOKEN_NOT_FOUND', { deviceId, role });
    return device;
  }

  /** Node tokens need admin; operator tokens need every scope they carry. */
  #requireTokenAuthority(caller: CallerInfo, role: string, scopes: readonly string[]): void {
    if (role !== 'operator') requireScope(caller, 'operator.admin');
    for (const scope of scopes) requireScope(caller, scope as OperatorScope);
  }

  #view(device: PairedDevice): DeviceView {
    return { ...device, tokens: this.#deps.store.deviceTokens.listForDevice(device.deviceId) };
  }

  #emitResolved(request: PairingRequest, decision: 'approved' | 'rejected'): void {
    this.#deps.emit('device.pair.resolved', { requestId: request.requestId, deviceId: request.deviceId, decision, ts: this.#deps.now() });
  }

  #audit(event: string, caller: CallerInfo, entry: { deviceId?: string; role?: string; detail?: Record<string, unknown> }): void {
    this.#deps.store.audit.record(
      { event, outcome: 'ok', actor: caller.deviceId ?? caller.connId, remoteAddress: caller.clientAddress ?? caller.remoteAddress, clientId: caller.client.id, ...entry },
      this.#deps.now(),
    );
  }
}

/** FORBIDDEN / MISSING_SCOPE unless the caller holds `scope` (an approver cannot grant what it lacks). */
function requireScope(caller: CallerInfo, scope: OperatorScope): void {
  if (!scopeSatisfies(caller.scopes, scope)) throw missingScope(scope);
}

/** Owner rules live in gateway/owner.ts: every non-owner auth method (device token, setup code) is self-scoped. */
function requireOwnDevice(caller: CallerInfo, deviceId: string, action: string): void {
  requireOwnerOrSelf(caller, deviceId, action);
}
