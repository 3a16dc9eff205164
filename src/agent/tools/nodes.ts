/**
 * @module agent/tools/nodes — the `nodes` tool: `status`, `describe`, `invoke` (OpenClaw §6.2).
 * `system.run` and `system.run.prepare` are refused here: commands go through `exec`, where the
 * approval policy applies.
 */
import { GatewayError } from '../../protocol/index.js';
import { capOutput, stringArg, type AgentTool } from './tool.js';

const REFUSED = new Set(['system.run', 'system.run.prepare']);

export const nodesTool: AgentTool = {
  spec: {
    name: 'nodes',
    description: 'Inspect paired nodes and invoke their commands. Actions: status (list nodes), describe (one node), invoke (run a node command such as system.which; use exec for shell commands).',
    parameters: {
      type: 'object',
      properties: {
        action: { type: 'string', enum: ['status', 'describe', 'invoke'] },
        node: { type: 'string', description: 'Node id or display name (describe, invoke).' },
        invokeCommand: { type: 'string', description: 'Command to invoke, e.g. system.which.' },
        invokeParamsJson: { type: 'string', description: 'JSON object of the command params.' },
      },
      required: ['action'],
    },
  },
  async run(args, context) {
    const action = stringArg(args, 'action');
    const nodes = context.nodes.list();
    if (action === 'status') return { text: JSON.stringify({ nodes }, null, 2), isError: false };
    const ref = stringArg(args, 'node');
    const node = ref === undefined ? undefined : nodes.find((n) => n.nodeId === ref || n.displayName?.toLowerCase() === ref.toLowerCase());
    if (action === 'describe') {
      return node === undefined ? { text: `nodes failed: unknown node ${ref ?? '(none given)'}`, isError: true } : { text: JSON.stringify(node, null, 2), isError: false };
    }
    if (action !== 'invoke') return { text: `nodes failed: unknown action ${action ?? '(none)'}`, isError: true };
    const command = stringArg(args, 'invokeCommand');
    if (command === undefined) return { text: 'nodes failed: invokeCommand is required', isError: true };
    if (REFUSED.has(command)) {
      return { text: new GatewayError('TOOL_COMMAND_REFUSED', { command, reason: 'use exec with host=node' }).message, isError: true };
    }
    if (node === undefined) return { text: `nodes failed: unknown node ${ref ?? '(none given)'}`, isError: true };
    let params: unknown = {};
    try {
      params = JSON.parse(stringArg(args, 'invokeParamsJson') ?? '{}');
    } catch {
      return { text: 'nodes failed: invokeParamsJson is not valid JSON', isError: true };
    }
    try {
      const payload = await context.nodes.invoke({ nodeId: node.nodeId, command, params, timeoutMs: 30_000, idempotencyKey: context.createId(), sessionKey: context.sessionKey }, context.signal);
      return { text: capOutput(JSON.stringify(payload, null, 2)), isError: false };
    } catch (error) {
      if (context.signal.aborted) throw error;
      return { text: `nodes failed: ${error instanceof GatewayError ? error.message : 'invoke failed'}`, isError: true };
    }
  },
};
