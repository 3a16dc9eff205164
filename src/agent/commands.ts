/**
 * @module agent/commands — the built-in commands that answer without a model (and without calling
 * one when a model is configured): /help, /status, /nodes, /run <node> <argv…>, /new, /reset.
 */
import type { AgentNodePort } from './ports.js';
import { runOnNode } from './tools/node-exec.js';
import type { ToolContext, ToolResult } from './tools/tool.js';

export const NO_MODEL_REPLY = 'no model configured — set agents.defaults.model.primary (example in the README)';

/** `/new` and `/reset` (optionally followed by text) need operator.admin, as in OpenClaw's agent-command-policy. */
export const RESET_COMMAND = /^\/(new|reset)(\s|$)/i;

const HELP = [
  'Built-in commands (no model needed):',
  '/help — this list',
  '/status — model, session and nodes',
  '/nodes — connected nodes and what they can run',
  '/run <node> <command…> — run a command on a node (the node\'s own approvals apply)',
  '/new or /reset — start a fresh session',
].join('\n');

export interface CommandEnvironment {
  modelRef: string | undefined;
  sessionKey: string;
  nodes: AgentNodePort;
  pendingApprovals: number;
  /** Starts a new transcript for the session. */
  resetSession(): void;
  tool: ToolContext;
}

/** True when `message` is one of the built-in commands. */
export function isBuiltinCommand(message: string): boolean {
  return /^\/(help|status|nodes|run|new|reset)(\s|$)/i.test(message.trim());
}

/** Runs a built-in command; the caller checked `isBuiltinCommand`. */
export async function runBuiltinCommand(message: string, env: CommandEnvironment): Promise<ToolResult> {
  const [name = '', ...rest] = message.trim().split(/\s+/);
  switch (name.toLowerCase()) {
    case '/help':
      return { text: HELP, isError: false };
    case '/status':
      return { text: statusText(env), isError: false };
    case '/nodes':
      return { text: nodesText(env.nodes), isError: false };
    case '/new':
    case '/reset':
      env.resetSession();
      return { text: 'New session started.', isError: false };
    default: {
      const [node, ...argv] = rest;
      if (node === undefined || argv.length === 0) return { text: 'usage: /run <node> <command…>', isError: true };
      return runOnNode({ command: argv.join(' '), node, isOperatorCommand: true }, env.tool);
    }
  }
}

function statusText(env: CommandEnvironment): string {
  const nodes = env.nodes.list();
  return [
    `model: ${env.modelRef ?? 'none configured'}`,
    `session: ${env.sessionKey}`,
    `nodes: ${nodes.filter((n) => n.connected).length} connected of ${nodes.length} known`,
    `pending exec approvals: ${env.pendingApprovals}`,
  ].join('\n');
}

function nodesText(port: AgentNodePort): string {
  const nodes = port.list();
  if (nodes.length === 0) return 'no nodes paired';
  return nodes
    .map((n) => `${n.displayName ?? n.nodeId} (${n.nodeId.slice(0, 12)}) ${n.connected ? 'connected' : 'offline'}${n.commands.includes('system.run') ? ', can run commands' : ''}`)
    .join('\n');
}
