/**
 * @module gateway/method-access — the one rule for who may call a method.
 *
 * The registry's `access` field is the method → scope table; a name not in the registry is unknown
 * and refused, so nothing is callable by default. `node` methods need the node role; every other
 * method needs the operator role and a scope that satisfies its `access` (admin satisfies all).
 */
import { GatewayError, missingScope, scopeSatisfies, type MethodAccess } from '../protocol/index.js';

/** Throws ROLE_NOT_ALLOWED or MISSING_SCOPE unless `role`/`scopes` may call a method with `access`. */
export function checkMethodAccess(method: string, access: MethodAccess, role: string, scopes: readonly string[]): void {
  if (access === 'node') {
    if (role !== 'node') throw new GatewayError('ROLE_NOT_ALLOWED', { role, method });
    return;
  }
  if (role !== 'operator') throw new GatewayError('ROLE_NOT_ALLOWED', { role, method });
  // The dispatcher logs the method; the error's details stay OpenClaw's closed shape.
  if (!scopeSatisfies(scopes, access)) throw missingScope(access);
}
