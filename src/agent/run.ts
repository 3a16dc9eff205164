/**
 * @module agent/run — one agent turn: built-in command or model loop, with its events and transcript.
 *
 * States: running → streaming ⇄ tool calls → (ok | error | aborted). The user message is already in
 * the transcript (appended at submit, before the ack). Each model call ends with one assistant
 * message appended whole; each tool call with one tool result. A crash therefore leaves either the
 * complete call or nothing of it, and the run row still `running`, which the next start marks
 * `interrupted`.
 */
import { GatewayError } from '../protocol/index.js';
import type { ExecApprovals } from './approvals.js';
import { isBuiltinCommand, NO_MODEL_REPLY, runBuiltinCommand } from './commands.js';
import type { AgentNodePort } from './ports.js';
import type { ModelTarget } from './providers/model-config.js';
import type { ModelProvider, ToolSpec } from './providers/provider.js';
import type { RunEvents } from './run-events.js';
import type { AgentStore, SessionRecord } from './store/agent-store.js';
import type { ExecMode } from '../config/index.js';
import { fitToContext, type AssistantBlock, type AssistantMessage } from './transcript.js';
import type { AgentTool, ToolContext } from './tools/tool.js';

/** Model calls per turn, tool rounds included; a model looping on tools is stopped here. */
export const MAX_MODEL_CALLS_PER_TURN = 16;

export type AbortReason = 'rpc' | 'timeout' | 'shutdown';

export interface RunResult {
  state: 'ok' | 'error' | 'aborted';
  text: string;
  stopReason: string;
  abortReason?: AbortReason;
  error?: GatewayError;
  provider?: string;
  model?: string;
  usage: { input: number; output: number };
  toolNames: string[];
}

export interface RunDeps {
  store: AgentStore;
  session: SessionRecord;
  runId: string;
  agentId: string;
  message: string;
  events: RunEvents;
  signal: AbortSignal;
  targets: readonly ModelTarget[];
  loadProvider: () => ModelProvider;
  tools: readonly AgentTool[];
  nodes: AgentNodePort;
  approvals: ExecApprovals;
  execMode: ExecMode;
  defaultNode?: string;
  systemPrompt: () => string;
  resetSession: () => void;
  now: () => number;
  createId: () => string;
}

/** Runs the turn; never throws (failures become an `error` result). */
export async function executeRun(deps: RunDeps): Promise<RunResult> {
  const result: RunResult = { state: 'ok', text: '', stopReason: 'stop', usage: { input: 0, output: 0 }, toolNames: [] };
  try {
    if (isBuiltinCommand(deps.message)) {
      const reply = await runBuiltinCommand(deps.message, {
        modelRef: deps.targets[0]?.ref,
        sessionKey: deps.session.sessionKey,
        nodes: deps.nodes,
        pendingApprovals: deps.approvals.list().length,
        resetSession: deps.resetSession,
        tool: toolContext(deps, 'command'),
      });
      replyWithoutModel(deps, result, reply.text);
      return result;
    }
    if (deps.targets.length === 0) {
      replyWithoutModel(deps, result, NO_MODEL_REPLY);
      return result;
    }
    await modelLoop(deps, result);
    return result;
  } catch (error) {
    if (deps.signal.aborted) {
      result.state = 'aborted';
      result.abortReason = abortReasonOf(deps.signal);
      result.stopReason = result.abortReason;
      return result;
    }
    result.state = 'error';
    result.stopReason = 'error';
    result.error = error instanceof GatewayError ? error : new GatewayError('MODEL_REQUEST_FAILED', { provider: result.provider ?? '?', model: result.model ?? '?', reason: 'internal error' });
    return result;
  }
}

function abortReasonOf(signal: AbortSignal): AbortReason {
  const reason: unknown = signal.reason;
  return reason === 'timeout' || reason === 'shutdown' ? reason : 'rpc';
}

function replyWithoutModel(deps: RunDeps, result: RunResult, text: string): void {
  emitText(deps, result, text, `${deps.runId}:1`);
  result.provider = 'clawgate';
  result.model = 'builtin';
  deps.store.appendMessage(deps.session, deps.runId, { role: 'assistant', content: [{ type: 'text', text }], provider: 'clawgate', model: 'builtin', stopReason: 'stop', timestamp: deps.now() }, deps.now());
}

function emitText(deps: RunDeps, result: RunResult, delta: string, itemId: string): void {
  result.text += delta;
  deps.events.agent('assistant', { text: result.text, delta, itemId });
  deps.events.chat('delta', { deltaText: delta, message: deps.events.message(result.text) });
}

async function modelLoop(deps: RunDeps, result: RunResult): Promise<void> {
  const specs: ToolSpec[] = deps.tools.map((tool) => tool.spec);
  const provider = deps.loadProvider();
  let targetIndex = 0;
  for (let call = 1; call <= MAX_MODEL_CALLS_PER_TURN; call++) {
    const target = deps.targets[targetIndex]!;
    result.provider = target.provider;
    result.model = target.model;
    deps.events.agent('lifecycle', { phase: 'model', provider: target.provider, model: target.model }, { withSessionId: true });
    const system = deps.systemPrompt();
    const budget = target.contextWindow - target.maxTokens - Math.ceil(system.length / 4);
    const messages = fitToContext(deps.store.messages(deps.session.sessionId).map((m) => m.message), Math.max(budget, 1024));
    const blocks: AssistantBlock[] = [];
    let callText = '';
    let sawOutput = false;
    try {
      for await (const event of provider.stream({ target, system, messages, tools: specs }, deps.signal)) {
        if (event.type === 'text') {
          sawOutput = true;
          callText += event.delta;
          emitText(deps, result, event.delta, `${deps.runId}:${call}`);
        } else if (event.type === 'toolCall') {
          sawOutput = true;
          blocks.push({ type: 'toolCall', id: event.id, name: event.name, arguments: event.arguments });
        } else if (event.type === 'usage') {
          result.usage.input += event.input;
          result.usage.output += event.output;
          deps.events.agent('usage', { outputTokens: result.usage.output });
        } else if (event.type === 'retry') {
          deps.events.agent('run_status', { phase: 'retrying', reason: event.reason, attempt: event.attempt, maxAttempts: event.maxAttempts });
          if (event.reason === 'rate_limit') deps.events.chat('status', { phase: 'starting_model', retry: { attempt: Math.min(event.attempt, 10), maxAttempts: Math.min(event.maxAttempts, 10), reason: 'rate_limit' } });
        }
      }
    } catch (error) {
      if (deps.signal.aborted) {
        persistPartial(deps, target, callText);
        throw error;
      }
      // Fall back to the next configured model when this one failed before producing anything.
      if (!sawOutput && targetIndex + 1 < deps.targets.length) {
        targetIndex++;
        continue;
      }
      throw error;
    }
    if (callText !== '') blocks.unshift({ type: 'text', text: callText });
    const toolCalls = blocks.filter((b) => b.type === 'toolCall');
    const assistant: AssistantMessage = { role: 'assistant', content: blocks, api: target.api, provider: target.provider, model: target.model, usage: { input: result.usage.input, output: result.usage.output, totalTokens: result.usage.input + result.usage.output }, stopReason: toolCalls.length > 0 ? 'toolUse' : 'stop', timestamp: deps.now() };
    deps.store.appendMessage(deps.session, deps.runId, assistant, deps.now());
    if (toolCalls.length === 0) return;
    for (const call of toolCalls) await runToolCall(deps, result, call);
    if (callText !== '' && !result.text.endsWith('\n')) result.text += '\n\n';
  }
  throw new GatewayError('MODEL_REQUEST_FAILED', { provider: result.provider ?? '?', model: result.model ?? '?', reason: `more than ${MAX_MODEL_CALLS_PER_TURN} model calls in one turn` });
}

/** Keeps what the user already saw of an aborted reply (OpenClaw keeps the partial text in history). */
function persistPartial(deps: RunDeps, target: ModelTarget, text: string): void {
  if (text === '') return;
  deps.store.appendMessage(deps.session, deps.runId, { role: 'assistant', content: [{ type: 'text', text }], provider: target.provider, model: target.model, stopReason: 'aborted', timestamp: deps.now() }, deps.now());
}

async function runToolCall(deps: RunDeps, result: RunResult, call: Extract<AssistantBlock, { type: 'toolCall' }>): Promise<void> {
  const tool = deps.tools.find((t) => t.spec.name === call.name);
  const startedAt = deps.now();
  const item = { itemId: `tool:${call.id}`, toolCallId: call.id, name: call.name, kind: 'tool', title: call.name, commandBearing: call.name === 'exec' };
  deps.events.agent('item', { ...item, phase: 'start', status: 'running', startedAt });
  deps.events.agent('tool', { phase: 'start', name: call.name, toolCallId: call.id, args: call.arguments });
  const outcome = tool === undefined ? { text: `unknown tool: ${call.name}`, isError: true } : await tool.run(call.arguments, toolContext(deps, call.id));
  if (!outcome.isError) result.toolNames.push(call.name);
  deps.events.agent('tool', { phase: 'result', name: call.name, toolCallId: call.id, isError: outcome.isError, commandBearing: item.commandBearing, result: { content: [{ type: 'text', text: outcome.text }], details: outcome.details ?? {} } });
  deps.events.agent('item', { ...item, phase: 'end', status: 'completed', startedAt, endedAt: deps.now() });
  deps.store.appendMessage(deps.session, deps.runId, { role: 'toolResult', toolCallId: call.id, toolName: call.name, content: [{ type: 'text', text: outcome.text }], isError: outcome.isError, timestamp: deps.now() }, deps.now());
}

function toolContext(deps: RunDeps, toolCallId: string): ToolContext {
  const context: ToolContext = {
    signal: deps.signal,
    runId: deps.runId,
    sessionKey: deps.session.sessionKey,
    agentId: deps.agentId,
    toolCallId,
    nodes: deps.nodes,
    approvals: deps.approvals,
    events: deps.events,
    execMode: deps.execMode,
    createId: deps.createId,
    now: deps.now,
  };
  if (deps.defaultNode !== undefined) context.defaultNode = deps.defaultNode;
  return context;
}

