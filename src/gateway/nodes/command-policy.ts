/**
 * @module gateway/nodes/command-policy — may `node.invoke` relay this command, and who may approve it.
 *
 * Gates, in order (OpenClaw nodes doc, "node command policy"): the node declared the command at
 * connect; gateway config does not deny it (`gateway.nodes.commands.deny`, deny always wins); a
 * dangerous command is also in `gateway.nodes.commands.allow`; the command is in the node's approved
 * surface. `system.execApprovals.*` is never relayed: a node's exec policy is the node's own.
 */
import { ADMIN_APPROVAL_COMMANDS, GatewayError, type OperatorScope } from '../../protocol/index.js';

/** Privacy-heavy commands that need an explicit `gateway.nodes.commands.allow` entry (OpenClaw list). */
export const DANGEROUS_NODE_COMMANDS = [
  'camera.snap',
  'camera.clip',
  'camera.ptz.control',
  'desktop.stream',
  'screen.record',
  'contacts.add',
  'calendar.add',
  'reminders.add',
  'health.summary',
  'sms.send',
  'sms.search',
] as const;

export interface NodeCommandPolicyConfig {
  allow?: readonly string[] | undefined;
  deny?: readonly string[] | undefined;
}

/** What the policy needs to know about the target node. */
export interface NodeCommandSubject {
  nodeId: string;
  declared: readonly string[];
  /** Commands of the approved surface (empty when nothing is approved yet). */
  approved: readonly string[];
}

export class NodeCommandPolicy {
  readonly #allow: readonly string[];
  readonly #deny: readonly string[];

  constructor(config: NodeCommandPolicyConfig = {}) {
    this.#allow = config.allow ?? [];
    this.#deny = config.deny ?? [];
  }

  /** Throws the coded reason `command` may not be relayed to `node`; returns when it may. */
  assertInvokable(node: NodeCommandSubject, command: string): void {
    if (!node.declared.includes(command)) throw new GatewayError('NODE_COMMAND_NOT_DECLARED', { command, nodeId: node.nodeId, reason: 'not-declared' });
    if (matchesAny(this.#deny, command)) throw new GatewayError('NODE_COMMAND_DENIED', { command, reason: 'gateway.nodes.commands.deny' });
    if (command.startsWith('system.execApprovals.')) {
      throw new GatewayError('NODE_COMMAND_DENIED', { command, reason: 'exec approvals are managed on the node host' });
    }
    if ((DANGEROUS_NODE_COMMANDS as readonly string[]).includes(command) && !matchesAny(this.#allow, command)) {
      throw new GatewayError('NODE_COMMAND_DENIED', { command, reason: 'dangerous command; add it to gateway.nodes.commands.allow' });
    }
    if (!node.approved.includes(command)) throw new GatewayError('NODE_COMMAND_NOT_APPROVED', { command, nodeId: node.nodeId, reason: 'not-approved' });
  }
}

/** Scopes an operator needs to approve a surface declaring `commands` (OpenClaw pairing doc table). */
export function requiredApproveScopes(commands: readonly string[]): OperatorScope[] {
  if (commands.length === 0) return ['operator.pairing'];
  if (commands.some((command) => (ADMIN_APPROVAL_COMMANDS as readonly string[]).includes(command))) return ['operator.pairing', 'operator.admin'];
  return ['operator.pairing', 'operator.write'];
}

/** True when `command` equals an entry, or an entry `prefix.*` covers it. */
function matchesAny(patterns: readonly string[], command: string): boolean {
  return patterns.some((pattern) => pattern === command || (pattern.endsWith('.*') && command.startsWith(pattern.slice(0, -1))));
}
