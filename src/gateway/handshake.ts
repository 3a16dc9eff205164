/**
 * @module gateway/handshake — validates `connect` params, negotiates the protocol, authenticates.
 *
 * Order follows OpenClaw's pipeline: schema → protocol range (before auth, close 1002) → role →
 * credentials, device proof and pairing (pairing-service.ts) → effective scopes. Each step is a guard
 * with its own coded error. Without a pairing context only the shared secret is checked.
 */
import {
  ConnectParamsSchema,
  GatewayError,
  MIN_CLIENT_PROTOCOL_VERSION,
  MIN_NODE_PROTOCOL_VERSION,
  OPERATOR_SCOPES,
  PROTOCOL_VERSION,
  compileSchema,
  isRole,
  type ConnectParams,
  type Role,
} from '../protocol/index.js';
import { verifySharedSecret, type SharedSecretAuth } from './pairing/shared-secret.js';
import type { ConnectAuthMethod, PairingService } from './pairing/service.js';

const connectParams = compileSchema(ConnectParamsSchema);

export interface AcceptedConnect {
  params: ConnectParams;
  protocol: number;
  role: Role;
  /** The live scope set granted to the socket. */
  scopes: string[];
  authMethod: ConnectAuthMethod;
  /** The proven device id, when the client presented a valid device block. */
  deviceId?: string;
  /** A per-role device token for the client to store (`hello-ok.auth.deviceToken`). */
  deviceToken?: { token: string; issuedAtMs: number };
}

/** What the pairing step needs to know about the socket a connect arrived on. */
export interface ConnectContext {
  pairing: PairingService;
  /** The nonce sent in this connection's `connect.challenge`. */
  challengeNonce: string;
  remoteAddress: string;
  connId: string;
  /** Replaces the configured shared-secret check (a Tailscale-verified identity passes as `none`). */
  sharedAuth?: SharedSecretAuth | undefined;
}

/** Checks one `connect` request; returns what the connection is granted or throws a coded error. */
export function acceptConnect(rawParams: unknown, auth: SharedSecretAuth, context?: ConnectContext): AcceptedConnect {
  if (!connectParams.check(rawParams)) {
    throw new GatewayError('CONNECT_PARAMS_INVALID', { reason: connectParams.explain(rawParams) });
  }
  const params = rawParams;
  const role = params.role ?? 'operator';
  const protocol = negotiateProtocol(params, role);
  if (!isRole(role)) throw new GatewayError('INVALID_ROLE', { role });
  if (context !== undefined) {
    const { pairing, ...socket } = context;
    const identity = pairing.authenticate({ params, role, ...socket });
    const accepted: AcceptedConnect = { params, protocol, role, scopes: identity.scopes, authMethod: identity.authMethod };
    if (identity.deviceId !== undefined) accepted.deviceId = identity.deviceId;
    if (identity.deviceToken !== undefined) accepted.deviceToken = identity.deviceToken;
    return accepted;
  }
  const authMethod = verifySharedSecret(auth, params.auth);
  return { params, protocol, role, scopes: grantedScopes(role, params.scopes), authMethod };
}

/**
 * Picks the protocol version: the highest we speak within the client's range. Operators must speak
 * the current version; nodes (`role: node` + `client.mode: node`) may use N-1, as OpenClaw allows.
 */
export function negotiateProtocol(params: Pick<ConnectParams, 'minProtocol' | 'maxProtocol' | 'client'>, role: string): number {
  const isNode = role === 'node' && params.client.mode === 'node';
  const oldestAllowed = isNode ? MIN_NODE_PROTOCOL_VERSION : MIN_CLIENT_PROTOCOL_VERSION;
  const chosen = Math.min(params.maxProtocol, PROTOCOL_VERSION);
  if (params.minProtocol > params.maxProtocol || chosen < params.minProtocol || chosen < oldestAllowed) {
    throw new GatewayError('PROTOCOL_MISMATCH', {
      expectedProtocol: PROTOCOL_VERSION,
      minimumProtocol: oldestAllowed,
      clientMinProtocol: params.minProtocol,
      clientMaxProtocol: params.maxProtocol,
    });
  }
  return chosen;
}

/**
 * Scopes for a socket authenticated with the shared secret: the operator scopes it asked for (the owner
 * may ask for anything; unknown names are dropped). Nodes hold no operator scopes. Missing or empty
 * means none (default-deny).
 */
function grantedScopes(role: Role, requested: readonly string[] | undefined): string[] {
  if (role !== 'operator' || requested === undefined) return [];
  const known = new Set<string>(OPERATOR_SCOPES);
  return [...new Set(requested.filter((scope) => known.has(scope)))];
}
