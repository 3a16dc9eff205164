/**
 * @module gateway/owner — who the owner of this gateway is, decided in one place.
 *
 * The owner is a session that proved it holds the gateway's own credential: the shared token or
 * password (`token`, `password`), a loopback-only `auth: none` gateway or a Tailscale-verified
 * identity (both reported as `none`), or any session holding `operator.admin`. Every other auth
 * method (device token, bootstrap/setup-code token, and any method added later) is a paired-device
 * session that acts for its own device only. The list is an allowlist on purpose: a new auth method
 * is non-owner until someone adds it here (docs/hardening.md, "Who is the owner").
 */
import { GatewayError, scopeSatisfies } from '../protocol/index.js';
import type { CallerInfo } from './method-context.js';

/** Auth methods that prove the gateway's own credential. */
export const OWNER_AUTH_METHODS: ReadonlySet<string> = new Set(['token', 'password', 'none']);

/** True for the owner (shared secret, auth none, Tailscale identity) or an `operator.admin` session. */
export function isOwner(caller: Pick<CallerInfo, 'authMethod' | 'scopes'>): boolean {
  if (caller.authMethod !== undefined && OWNER_AUTH_METHODS.has(caller.authMethod)) return true;
  return scopeSatisfies(caller.scopes, 'operator.admin');
}

/** FORBIDDEN / DEVICE_NOT_OWN unless the caller is the owner or acts on its own device id. */
export function requireOwnerOrSelf(caller: Pick<CallerInfo, 'authMethod' | 'scopes' | 'deviceId'>, deviceId: string, action: string): void {
  if (isOwner(caller) || caller.deviceId === deviceId) return;
  throw new GatewayError('DEVICE_NOT_OWN', { action, deviceId });
}
