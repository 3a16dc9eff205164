/**
 * @module ui/chat-model — a session's transcript as display items, from `chat.history` pages and
 * from live `chat` / `agent` / `exec.approval.*` events.
 *
 * Pure functions over plain data (no DOM), so the chat panel only renders. Tool calls become cards
 * keyed by toolCallId: the call block opens the card, the tool result (or live `command_output`)
 * fills in the output and exit code.
 */

export type ChatItem =
  | { kind: 'user'; id: string; text: string; queued?: boolean }
  | { kind: 'assistant'; id: string; text: string; runId?: string; state: 'streaming' | 'final' | 'aborted' | 'error'; error?: string }
  | { kind: 'tool'; id: string; name: string; command?: string; nodeId?: string; output?: string; exitCode?: number; status: 'running' | 'done' | 'error' }
  | { kind: 'approval'; id: string; command: string; nodeId?: string; cwd?: string; canAllowAlways?: boolean; state: ApprovalState };

/** An approval card's state: pending, or how it was decided. */
export type ApprovalState = 'pending' | 'allow-once' | 'allow-always' | 'deny' | 'expired';

type Message = Record<string, unknown>;

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.flatMap((block: { type?: string; text?: unknown }) => (block?.type === 'text' && typeof block.text === 'string' ? [block.text] : [])).join('');
}

/** History messages (oldest first) as items. */
export function itemsFromHistory(messages: readonly Message[], idPrefix: string): ChatItem[] {
  const items: ChatItem[] = [];
  const tools = new Map<string, Extract<ChatItem, { kind: 'tool' }>>();
  messages.forEach((message, index) => {
    const id = `${idPrefix}${index}`;
    const role = message['role'];
    if (role === 'user') items.push({ kind: 'user', id, text: textOf(message['content']) });
    else if (role === 'assistant') {
      const text = textOf(message['content']);
      const stop = message['stopReason'];
      if (text !== '') items.push({ kind: 'assistant', id, text, state: stop === 'aborted' ? 'aborted' : stop === 'error' ? 'error' : 'final' });
      for (const block of Array.isArray(message['content']) ? (message['content'] as Message[]) : []) {
        if (block['type'] !== 'toolCall') continue;
        const args = (block['arguments'] ?? {}) as Record<string, unknown>;
        const card: Extract<ChatItem, { kind: 'tool' }> = { kind: 'tool', id: String(block['id'] ?? id), name: String(block['name'] ?? 'tool'), status: 'running' };
        if (typeof args['command'] === 'string') card.command = args['command'];
        if (typeof args['node'] === 'string') card.nodeId = args['node'];
        tools.set(card.id, card);
        items.push(card);
      }
    } else if (role === 'toolResult') {
      const card = tools.get(String(message['toolCallId']));
      if (card !== undefined) {
        card.output = textOf(message['content']);
        card.status = message['isError'] === true ? 'error' : 'done';
        const exit = /exit code (\d+)/i.exec(card.output);
        if (exit !== null) card.exitCode = Number(exit[1]);
      }
    }
  });
  return items;
}

/** Applies one live `chat` event of the open session. */
export function applyChatEvent(items: ChatItem[], payload: Message): ChatItem[] {
  const runId = String(payload['runId'] ?? '');
  const state = payload['state'];
  if (state === 'status') return items;
  const snapshot = textOf((payload['message'] as Message | undefined)?.['content']);
  const index = items.findIndex((item) => item.kind === 'assistant' && item.runId === runId && item.state === 'streaming');
  const current = index >= 0 ? (items[index] as Extract<ChatItem, { kind: 'assistant' }>) : undefined;
  const text = snapshot !== '' ? snapshot : (current?.text ?? '') + (state === 'delta' ? String(payload['deltaText'] ?? '') : '');
  const next: Extract<ChatItem, { kind: 'assistant' }> = {
    kind: 'assistant',
    id: current?.id ?? `run:${runId}:${items.length}`,
    runId,
    text,
    state: state === 'delta' ? 'streaming' : state === 'final' ? 'final' : state === 'aborted' ? 'aborted' : 'error',
  };
  if (state === 'error') next.error = String(payload['errorMessage'] ?? 'error');
  if (current !== undefined) return items.map((item, i) => (i === index ? next : item));
  if (state !== 'delta' && text === '' && state !== 'error') return items;
  return [...items, next];
}

/** Applies one live `agent` event (tool item start/end, command output). */
export function applyAgentEvent(items: ChatItem[], payload: Message): ChatItem[] {
  const data = (payload['data'] ?? {}) as Message;
  const stream = payload['stream'];
  const toolCallId = typeof data['toolCallId'] === 'string' ? data['toolCallId'] : undefined;
  if (toolCallId === undefined) return items;
  const index = items.findIndex((item) => item.kind === 'tool' && item.id === toolCallId);
  const existing = index >= 0 ? (items[index] as Extract<ChatItem, { kind: 'tool' }>) : undefined;
  let card: Extract<ChatItem, { kind: 'tool' }> = existing ?? { kind: 'tool', id: toolCallId, name: String(data['name'] ?? 'tool'), status: 'running' };
  if (stream === 'item' && data['phase'] === 'end' && card.status === 'running') card = { ...card, status: 'done' };
  else if (stream === 'command_output') {
    card = { ...card, command: String(data['title'] ?? card.command ?? ''), output: String(data['output'] ?? ''), status: data['status'] === 'completed' || data['status'] === 'ok' ? 'done' : card.status };
    if (typeof data['exitCode'] === 'number') card.exitCode = data['exitCode'];
    if (typeof data['exitCode'] === 'number' && data['exitCode'] !== 0) card.status = 'error';
    else if (typeof data['exitCode'] === 'number') card.status = 'done';
  } else if (stream !== 'item') return items;
  if (existing !== undefined) return items.map((item, i) => (i === index ? card : item));
  // A tool card goes before the streaming reply it belongs to.
  const streaming = items.findIndex((item) => item.kind === 'assistant' && item.state === 'streaming' && item.runId === payload['runId']);
  if (streaming >= 0 && (items[streaming] as { text: string }).text === '') return [...items.slice(0, streaming), card, ...items.slice(streaming)];
  return [...items, card];
}

/** A pending approval from `exec.approval.requested` / `exec.approval.list`. */
export function approvalItem(record: Message): Extract<ChatItem, { kind: 'approval' }> {
  const request = (record['request'] ?? {}) as Message;
  const item: Extract<ChatItem, { kind: 'approval' }> = { kind: 'approval', id: String(record['id']), command: String(request['command'] ?? ''), state: 'pending' };
  if (typeof request['nodeId'] === 'string') item.nodeId = request['nodeId'];
  if (typeof request['cwd'] === 'string') item.cwd = request['cwd'];
  // Offered only when the gateway says so (not when the node's own policy asks every time).
  if (Array.isArray(request['allowedDecisions']) && request['allowedDecisions'].includes('allow-always')) item.canAllowAlways = true;
  return item;
}

/** The card state an `exec.approval.resolved` event leaves. */
export function resolvedApprovalState(payload: Message): ApprovalState {
  if (payload['resolvedBy'] === 'expired') return 'expired';
  const decision = payload['decision'];
  return decision === 'allow-once' || decision === 'allow-always' ? decision : 'deny';
}

export function approvalSessionKey(record: Message): string | undefined {
  const request = (record['request'] ?? {}) as Message;
  return typeof request['sessionKey'] === 'string' ? request['sessionKey'] : undefined;
}
