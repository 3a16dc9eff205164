/** @module agent/tools/exec — the `exec` tool: a shell command on a node (`host: "node"`), see node-exec.ts. */
import { runOnNode } from './node-exec.js';
import { stringArg, type AgentTool } from './tool.js';

export const execTool: AgentTool = {
  spec: {
    name: 'exec',
    description: 'Run a shell command on a paired node (host "node"). Optional node: node id or display name; omitted = the only connected node that can run commands.',
    parameters: {
      type: 'object',
      properties: {
        command: { type: 'string', description: 'The command line to run.' },
        host: { type: 'string', enum: ['auto', 'node'], description: 'Where to run it; only "node" is available here.' },
        node: { type: 'string', description: 'Node id or display name.' },
        cwd: { type: 'string', description: 'Working directory on the node.' },
        timeout: { type: 'number', description: 'Timeout in seconds.' },
        title: { type: 'string', description: 'Short label shown to the user.' },
      },
      required: ['command'],
    },
  },
  async run(args, context) {
    const command = stringArg(args, 'command');
    if (command === undefined) return { text: 'exec failed: command is required', isError: true };
    const host = stringArg(args, 'host') ?? 'node';
    if (host !== 'node' && host !== 'auto') return { text: `exec failed: host "${host}" is not available on this gateway; use host "node"`, isError: true };
    const timeout = args['timeout'];
    return runOnNode(
      {
        command,
        ...(stringArg(args, 'node') === undefined ? {} : { node: stringArg(args, 'node')! }),
        ...(stringArg(args, 'cwd') === undefined ? {} : { cwd: stringArg(args, 'cwd')! }),
        ...(typeof timeout === 'number' && timeout > 0 ? { timeoutMs: Math.round(timeout * 1000) } : {}),
      },
      context,
    );
  },
};
