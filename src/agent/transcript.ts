/**
 * @module agent/transcript — the transcript message shapes (as `chat.history` returns them, OpenClaw's
 * shapes) and the context-window trimming applied before each model call.
 */

export interface TextBlock {
  type: 'text';
  text: string;
}
export interface ToolCallBlock {
  type: 'toolCall';
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}
export type AssistantBlock = TextBlock | ToolCallBlock;

export interface Usage {
  input: number;
  output: number;
  totalTokens: number;
}

export interface UserMessage {
  role: 'user';
  content: string;
  timestamp: number;
  idempotencyKey?: string;
}

/** `stopReason`: `stop` (final text), `toolUse` (calls tools), `aborted`, `error`. */
export interface AssistantMessage {
  role: 'assistant';
  content: AssistantBlock[];
  provider?: string;
  model?: string;
  api?: string;
  usage?: Usage;
  stopReason: 'stop' | 'toolUse' | 'aborted' | 'error';
  errorMessage?: string;
  timestamp: number;
}

export interface ToolResultMessage {
  role: 'toolResult';
  toolCallId: string;
  toolName: string;
  content: TextBlock[];
  isError: boolean;
  timestamp: number;
}

export type TranscriptMessage = UserMessage | AssistantMessage | ToolResultMessage;

/** The visible text of an assistant message. */
export function assistantText(message: AssistantMessage): string {
  return message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
}

/** A rough token estimate (4 characters a token), enough to keep a request inside the window. */
export function estimateTokens(message: TranscriptMessage): number {
  return Math.ceil(JSON.stringify(message.content).length / 4) + 4;
}

/**
 * The newest messages that fit `budgetTokens`, dropping whole turns from the oldest end. A turn
 * starts at a user message, so an assistant tool call is never separated from its tool results.
 * The newest turn is always kept (a single huge turn is the model's problem to reject, not ours to cut).
 */
export function fitToContext(messages: readonly TranscriptMessage[], budgetTokens: number): TranscriptMessage[] {
  const turnStarts = messages.flatMap((message, index) => (message.role === 'user' ? [index] : []));
  let total = messages.reduce((sum, message) => sum + estimateTokens(message), 0);
  let start = 0;
  for (const turnStart of turnStarts.slice(1)) {
    if (total <= budgetTokens) break;
    for (let i = start; i < turnStart; i++) total -= estimateTokens(messages[i]!);
    start = turnStart;
  }
  // Orphaned tool results (their call dropped) would be rejected by providers.
  const kept = messages.slice(start);
  while (kept[0] !== undefined && kept[0].role !== 'user') kept.shift();
  return kept;
}
