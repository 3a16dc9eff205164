/** @module agent/tools/tool — what a model-callable tool is, and what it may use while it runs. */
import type { ExecMode } from '../../config/index.js';
import type { ExecApprovals } from '../approvals.js';
import type { AgentNodePort } from '../ports.js';
import type { ToolSpec } from '../providers/provider.js';
import type { RunEvents } from '../run-events.js';

export interface ToolContext {
  signal: AbortSignal;
  runId: string;
  sessionKey: string;
  agentId: string;
  toolCallId: string;
  nodes: AgentNodePort;
  approvals: ExecApprovals;
  events: RunEvents;
  execMode: ExecMode;
  /** `tools.exec.node`: the node exec uses when the call names none. */
  defaultNode?: string;
  createId: () => string;
  now: () => number;
}

export interface ToolResult {
  text: string;
  isError: boolean;
  details?: Record<string, unknown>;
}

export interface AgentTool {
  readonly spec: ToolSpec;
  run(args: Record<string, unknown>, context: ToolContext): Promise<ToolResult>;
}

/** Largest tool output handed back to the model, in characters (the rest is cut with a note). */
export const MAX_TOOL_OUTPUT_CHARS = 16_000;

export function capOutput(text: string): string {
  if (text.length <= MAX_TOOL_OUTPUT_CHARS) return text;
  return `${text.slice(0, MAX_TOOL_OUTPUT_CHARS)}\n[output truncated: ${text.length - MAX_TOOL_OUTPUT_CHARS} more characters]`;
}

export function stringArg(args: Record<string, unknown>, name: string): string | undefined {
  const value = args[name];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
