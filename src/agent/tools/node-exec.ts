/**
 * @module agent/tools/node-exec — runs one command on a node exactly as OpenClaw does (§6.3):
 * `system.run.prepare` (when the node offers it) → approval (when policy asks) → `system.run` with
 * the prepared plan. Used by the `exec` tool and the `/run` command.
 *
 * A simple command line (letters, digits, `-_./:=,+@%` and spaces) runs as argv, so a node whose
 * allowlist has `/usr/bin/uname` runs `uname -a` without allowing a shell; anything else goes
 * through `/bin/sh -lc`, which the node's own approvals must allow.
 *
 * In ask mode an operator's "Always allow" rule for exactly this argv, cwd, node and agent stands in
 * for the ask, unless the node's own policy asks `always`. The node still applies its own allowlist.
 */
import { GatewayError } from '../../protocol/index.js';
import type { AgentNode } from '../ports.js';
import { capOutput, type ToolContext, type ToolResult } from './tool.js';

/** OpenClaw's exec run budget (30 min); the invoke waits a little longer than the node's own timer. */
const DEFAULT_RUN_TIMEOUT_MS = 1_800_000;
const PREPARE_TIMEOUT_MS = 30_000;
const SIMPLE_COMMAND = /^[A-Za-z0-9_\-./:=,+@% \t]+$/;

export interface NodeExecRequest {
  command: string;
  /** Node id or display name. */
  node?: string;
  cwd?: string;
  timeoutMs?: number;
  /** The operator typed it (`/run`): the gateway's ask step is skipped; `deny` and the node's approvals still apply. */
  isOperatorCommand?: boolean;
}

/** argv for a command line: split when simple, else `/bin/sh -lc <line>`. */
export function commandArgv(command: string): string[] {
  const trimmed = command.trim();
  return SIMPLE_COMMAND.test(trimmed) ? trimmed.split(/\s+/) : ['/bin/sh', '-lc', trimmed];
}

/** The node a command runs on: the named one, `tools.exec.node`, or the sole capable connected node. */
export function selectExecNode(nodes: readonly AgentNode[], ref: string | undefined): AgentNode {
  const capable = (node: AgentNode): boolean => node.connected && node.commands.includes('system.run');
  if (ref !== undefined) {
    const wanted = ref.toLowerCase();
    const match = nodes.find((n) => n.nodeId === ref) ?? nodes.find((n) => n.displayName?.toLowerCase() === wanted);
    if (match === undefined) throw new GatewayError('EXEC_NO_NODE', { reason: `no node named ${ref}` });
    if (!match.connected) throw new GatewayError('EXEC_NO_NODE', { reason: `node ${ref} is not connected` });
    if (!capable(match)) throw new GatewayError('EXEC_NO_NODE', { reason: `node ${ref} has no approved system.run` });
    return match;
  }
  const candidates = nodes.filter(capable);
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) throw new GatewayError('EXEC_NO_NODE', { reason: 'none is connected with an approved system.run' });
  throw new GatewayError('EXEC_NODE_AMBIGUOUS', { nodes: candidates.map((n) => n.displayName ?? n.nodeId).join(', ') });
}

function policyOf(mode: ToolContext['execMode']): { security: string; ask: string } {
  if (mode === 'full') return { security: 'full', ask: 'off' };
  if (mode === 'ask') return { security: 'allowlist', ask: 'on-miss' };
  return { security: mode, ask: 'off' };
}

/** Runs `request` on a node; failures come back as an error result the model can read. */
export async function runOnNode(request: NodeExecRequest, context: ToolContext): Promise<ToolResult> {
  try {
    return await runOnNodeOrThrow(request, context);
  } catch (error) {
    if (context.signal.aborted) throw error;
    const message = error instanceof GatewayError ? error.message : 'node exec failed';
    return { text: message.startsWith('exec denied') ? message : `exec failed: ${message}`, isError: true, details: { status: 'failed', ...(error instanceof GatewayError ? { code: error.code } : {}) } };
  }
}

async function runOnNodeOrThrow(request: NodeExecRequest, context: ToolContext): Promise<ToolResult> {
  // `deny` also stops /run: whoever can send a message (later: a channel peer) must not get a shell.
  if (context.execMode === 'deny') throw new GatewayError('EXEC_DENIED', { reason: 'tools.exec.mode is "deny"' });
  const node = selectExecNode(context.nodes.list(), request.node ?? context.defaultNode);
  assertBoundNode(node, request, context);
  const argv = commandArgv(request.command);
  const policy = policyOf(context.execMode);
  const base = { agentId: context.agentId, sessionKey: context.sessionKey };
  let plan: Record<string, unknown> = { argv, cwd: request.cwd ?? null, commandText: argv.join(' '), commandPreview: request.command, ...base };
  let nodeAsks = false;
  if (node.commands.includes('system.run.prepare')) {
    const prepared = asRecord(
      await context.nodes.invoke(
        { nodeId: node.nodeId, command: 'system.run.prepare', params: { command: argv, ...policy, rawCommand: request.command, ...base, ...(request.cwd === undefined ? {} : { cwd: request.cwd }) }, timeoutMs: PREPARE_TIMEOUT_MS, idempotencyKey: context.createId(), sessionKey: context.sessionKey },
        context.signal,
      ),
    );
    const preparedPlan = asRecord(prepared['plan']);
    if (Object.keys(preparedPlan).length > 0) plan = preparedPlan;
    const execPolicy = asRecord(prepared['execPolicy']);
    if (execPolicy['security'] === 'deny') throw new GatewayError('EXEC_DENIED', { reason: `node ${node.displayName ?? node.nodeId} denies exec` });
    nodeAsks = execPolicy['ask'] === 'always';
  }
  const planArgv = Array.isArray(plan['argv']) ? (plan['argv'] as unknown[]).map(String) : argv;
  const cwd = typeof plan['cwd'] === 'string' ? plan['cwd'] : null;
  let approval: { id: string; decision: 'allow-once' | 'allow-always' } | undefined;
  const isAsking = request.isOperatorCommand !== true && (context.execMode === 'ask' || nodeAsks);
  // Only the gateway's ask can be answered by a rule; a node that asks always is asked every time.
  const rule = isAsking && !nodeAsks ? context.approvals.coveringRule({ agentId: context.agentId, nodeId: node.nodeId, argv: planArgv, cwd }) : undefined;
  if (rule !== undefined) {
    // What the rule stands for: the operator's allow-always, so an OpenClaw node whose own allowlist
    // misses (ask on-miss) runs it as it did after the decision. runId is the rule id.
    approval = { id: rule.id, decision: 'allow-always' };
  } else if (isAsking) {
    const decided = await context.approvals.request(
      { argv: planArgv, cwd, commandText: String(plan['commandText'] ?? planArgv.join(' ')), agentId: context.agentId, sessionKey: context.sessionKey, nodeId: node.nodeId },
      { runId: context.runId, toolCallId: context.toolCallId, ...policy, ...(nodeAsks ? { ask: 'always' } : {}), systemRunPlan: plan },
      context.signal,
    );
    if (decided.outcome === 'aborted') throw new GatewayError('RUN_ABORTED', { runId: context.runId });
    if (decided.outcome === 'no-approval-route') {
      throw new GatewayError('EXEC_DENIED', { reason: 'Headless runs cannot wait for interactive exec approval: no approval client is connected (connect one with operator.approvals, e.g. `clawgate exec-approvals list`, or set tools.exec.mode)' });
    }
    if (decided.outcome === 'expired') throw new GatewayError('EXEC_DENIED', { reason: `approval ${decided.id} expired without a decision` });
    if (decided.outcome === 'deny') throw new GatewayError('EXEC_DENIED', { reason: `approval ${decided.id} was denied` });
    // The core adds `approved: true, approvalDecision, runId: <approval id>` to what the node gets;
    // `allow-always` tells an OpenClaw node host to persist its own allowlist entry too.
    approval = { id: decided.id, decision: decided.outcome === 'allow-always' ? 'allow-always' : 'allow-once' };
  }
  const timeoutMs = request.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
  const startedAt = context.now();
  // As OpenClaw's gateway does: the plan's canonical text, which an OpenClaw node checks against argv
  // (after an allowlist prepare the plan's argv[0] is the resolved path, so the typed line would not match).
  const rawCommand = typeof plan['commandText'] === 'string' ? plan['commandText'] : request.command;
  const params = { command: planArgv, rawCommand, systemRunPlan: plan, ...(cwd === null ? {} : { cwd }), timeoutMs, ...base, runId: context.runId };
  const invoke = { nodeId: node.nodeId, command: 'system.run', params, timeoutMs: timeoutMs + 5000, idempotencyKey: context.createId(), sessionKey: context.sessionKey };
  const result = asRecord(await context.nodes.invoke(approval === undefined ? invoke : { ...invoke, approval }, context.signal));
  const durationMs = context.now() - startedAt;
  const output = [result['stdout'], result['stderr']].filter((s): s is string => typeof s === 'string' && s !== '').join('\n').trimEnd();
  const exitCode = typeof result['exitCode'] === 'number' ? result['exitCode'] : null;
  const isOk = result['success'] === true || exitCode === 0;
  const status = isOk ? 'completed' : 'failed';
  context.events.agent('command_output', { itemId: `command:${context.toolCallId}`, phase: 'end', title: request.command, toolCallId: context.toolCallId, name: 'exec', output: capOutput(output), status, exitCode, durationMs });
  const timedOut = result['timedOut'] === true ? '\n(timed out)' : '';
  return {
    text: capOutput(`Node: ${node.displayName ?? node.nodeId}\n${output}${timedOut}${isOk ? '' : `\n(exit code ${String(exitCode)})`}`),
    isError: !isOk,
    details: { status, exitCode, durationMs, nodeId: node.nodeId, ...(rule === undefined ? {} : { execRuleId: rule.id }) },
  };
}

/**
 * With `tools.exec.node` set, a model-chosen node must be that node (OpenClaw: "exec node not
 * allowed"): otherwise a prompt-injected `node` argument moves exec to a host the owner never bound.
 * The operator's own `/run <node>` may still name any node.
 */
function assertBoundNode(node: AgentNode, request: NodeExecRequest, context: ToolContext): void {
  const bound = context.defaultNode;
  if (bound === undefined || request.node === undefined || request.isOperatorCommand === true) return;
  const boundNode = context.nodes.list().find((n) => n.nodeId === bound) ?? context.nodes.list().find((n) => n.displayName?.toLowerCase() === bound.toLowerCase());
  if (boundNode?.nodeId !== node.nodeId) throw new GatewayError('EXEC_DENIED', { reason: `exec node not allowed (bound to ${bound} by tools.exec.node)` });
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
