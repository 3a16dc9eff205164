/** @module protocol/scopes — roles, operator scopes, the rule for when a held scope satisfies a required one, and the MISSING_SCOPE error. */
import { GatewayError } from './errors.js';

export const ROLES = ['operator', 'node'] as const;
export type Role = (typeof ROLES)[number];

export const OPERATOR_SCOPES = [
  'operator.read',
  'operator.write',
  'operator.admin',
  'operator.pairing',
  'operator.approvals',
  'operator.questions',
  'operator.talk',
  'operator.talk.secrets',
] as const;
export type OperatorScope = (typeof OPERATOR_SCOPES)[number];

/** What a method needs: an operator scope, or the node role itself. */
export type MethodAccess = OperatorScope | 'node';

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/**
 * True when `held` grants `required`. `operator.admin` satisfies every operator scope;
 * `operator.write` also satisfies `operator.read` and `operator.talk` (OpenClaw operator-scopes doc).
 */
export function scopeSatisfies(held: readonly string[], required: OperatorScope): boolean {
  if (held.includes(required) || held.includes('operator.admin')) return true;
  if (required === 'operator.read' || required === 'operator.talk') return held.includes('operator.write');
  return false;
}

/**
 * The one way to build a MISSING_SCOPE error, wherever it is raised (dispatcher, node service, device
 * admin). Its details are exactly OpenClaw's closed `MissingScopeErrorDetails`
 * (`{code, missingScope, requiredScopes}`): an extra key such as the method or the action fails every
 * client that validates details against protocol.schema.json, so context goes to the log, not here.
 *
 * @param scope the first required scope the caller lacks
 * @param requiredScopes every scope the operation needs (default: just `scope`)
 */
export function missingScope(scope: string, requiredScopes: readonly string[] = [scope]): GatewayError {
  return new GatewayError('MISSING_SCOPE', { missingScope: scope, requiredScopes: [...requiredScopes] });
}
