/** @module protocol/scopes — roles, operator scopes and the rule for when a held scope satisfies a required one. */

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
