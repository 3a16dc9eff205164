/**
 * @module ui/panels/chat — WebChat: sessions sidebar, transcript, composer, abort, approvals inline.
 *
 * History is re-read from the gateway on every (re)connect, so a reload, a dropped socket or a
 * gateway restart never loses it. History is paged (200 per page; older pages load as the user
 * scrolls up) and both the transcript and the sessions sidebar are windowed (ui/virtual-list), so a
 * 5,000-message session and 1,000 sessions open without freezing.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import {
  chatAbortContract,
  chatHistoryContract,
  chatSendContract,
  execApprovalListContract,
  execApprovalResolveContract,
  sessionsListContract,
  type EventFrame,
} from '../../../src/protocol/index.js';
import { applyAgentEvent, applyChatEvent, approvalItem, approvalSessionKey, itemsFromHistory, resolvedApprovalState, type ApprovalState, type ChatItem } from '../chat-model.js';
import type { GatewayConnection } from '../connection.js';
import { Markdown } from '../markdown.js';
import { VirtualList } from '../virtual-list.js';

const PAGE = 200;
const SIDEBAR_PAGE = 200;

interface SessionRowView {
  key: string;
  updatedAt: number;
  label?: string;
  hasActiveRun?: boolean;
}

function shortKey(key: string): string {
  return key.replace(/^agent:[^:]+:/, '');
}

function newId(): string {
  return crypto.randomUUID();
}

export function ChatPanel({ connection, mainKey }: { connection: GatewayConnection; mainKey: string }): JSX.Element {
  const [sessions, setSessions] = useState<SessionRowView[]>([]);
  const [current, setCurrent] = useState(() => sessionStorage.getItem('clawgate.session') ?? mainKey);
  const [items, setItems] = useState<ChatItem[]>([]);
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [showSidebar, setShowSidebar] = useState(false);
  const currentRef = useRef(current);
  currentRef.current = current;
  const isLoadingOlder = useRef(false);
  const sessionsOffset = useRef<number | null>(null);
  const isLoadingSessions = useRef(false);
  // Stream events arrive one per socket message: apply them in one render per animation frame, so
  // a fast 5,000-token reply costs a few hundred renders, not thousands.
  const pendingUpdates = useRef<((items: ChatItem[]) => ChatItem[])[]>([]);
  const queueUpdate = (update: (items: ChatItem[]) => ChatItem[]): void => {
    pendingUpdates.current.push(update);
    if (pendingUpdates.current.length > 1) return;
    requestAnimationFrame(() => {
      const updates = pendingUpdates.current.splice(0);
      setItems((old) => updates.reduce((acc, apply) => apply(acc), old));
    });
  };

  /** The first page of sessions (re-read on every change); later pages load as the sidebar scrolls. */
  const loadSessions = (): void => {
    connection
      .call(sessionsListContract, { limit: SIDEBAR_PAGE } as never)
      .then((result) => {
        setSessions(result.sessions as SessionRowView[]);
        sessionsOffset.current = result.hasMore ? result.nextOffset : null;
      })
      .catch(() => undefined);
  };

  const loadMoreSessions = (): void => {
    const offset = sessionsOffset.current;
    if (offset === null || isLoadingSessions.current) return;
    isLoadingSessions.current = true;
    connection
      .call(sessionsListContract, { limit: SIDEBAR_PAGE, offset } as never)
      .then((result) => {
        setSessions((old) => [...old, ...(result.sessions as SessionRowView[]).filter((row) => !old.some((known) => known.key === row.key))]);
        sessionsOffset.current = result.hasMore ? result.nextOffset : null;
      })
      .catch(() => undefined)
      .finally(() => {
        isLoadingSessions.current = false;
      });
  };

  const loadHistory = (key: string): void => {
    Promise.all([connection.call(chatHistoryContract, { sessionKey: key, limit: PAGE }), connection.call(execApprovalListContract, {} as never).catch(() => ({ approvals: [] }))])
      .then(([history, approvals]) => {
        if (currentRef.current !== key) return;
        const pending = ((approvals as { approvals: Record<string, unknown>[] }).approvals ?? []).filter((record) => sameSession(approvalSessionKey(record), key)).map(approvalItem);
        setItems([...itemsFromHistory(history.messages, `h:newest:`), ...pending]);
        setCursor(history.hasMore ? history.nextCursor : undefined);
        setError(undefined);
      })
      .catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)));
  };

  const loadOlder = (): void => {
    if (cursor === undefined || isLoadingOlder.current) return;
    isLoadingOlder.current = true;
    const key = current;
    connection
      .call(chatHistoryContract, { sessionKey: key, limit: PAGE, cursor })
      .then((history) => {
        if (currentRef.current !== key) return;
        setItems((old) => [...itemsFromHistory(history.messages, `h:${cursor}:`), ...old]);
        setCursor(history.hasMore ? history.nextCursor : undefined);
      })
      .catch(() => undefined)
      .finally(() => {
        isLoadingOlder.current = false;
      });
  };

  useEffect(
    () =>
      connection.onConnected(() => {
        loadSessions();
        loadHistory(currentRef.current);
      }),
    [],
  );

  useEffect(() => {
    sessionStorage.setItem('clawgate.session', current);
    if (connection.state.status === 'connected') loadHistory(current);
  }, [current]);

  useEffect(
    () =>
      connection.onEvent((event: EventFrame) => {
        const payload = (event.payload ?? {}) as Record<string, unknown>;
        if (event.event === 'chat') {
          if (sameSession(String(payload['sessionKey']), currentRef.current)) queueUpdate((old) => applyChatEvent(old, payload));
          if (payload['state'] !== 'delta') loadSessions();
        } else if (event.event === 'agent') {
          if (sameSession(String(payload['sessionKey']), currentRef.current)) queueUpdate((old) => applyAgentEvent(old, payload));
        } else if (event.event === 'exec.approval.requested') {
          if (sameSession(approvalSessionKey(payload), currentRef.current)) setItems((old) => [...old.filter((item) => item.id !== payload['id']), approvalItem(payload)]);
        } else if (event.event === 'exec.approval.resolved') {
          const state = resolvedApprovalState(payload);
          setItems((old) => old.map((item) => (item.kind === 'approval' && item.id === payload['id'] ? { ...item, state } : item)));
        }
      }),
    [],
  );

  const isStreaming = items.some((item) => item.kind === 'assistant' && item.state === 'streaming');

  const send = (event: Event): void => {
    event.preventDefault();
    const message = draft.trim();
    if (message === '') return;
    setDraft('');
    const id = newId();
    const isQueued = connection.state.status !== 'connected';
    setItems((old) => [...old, { kind: 'user', id: `u:${id}`, text: message, ...(isQueued ? { queued: true } : {}) }]);
    connection
      .callQueued(chatSendContract, { sessionKey: current, message, idempotencyKey: id })
      .then(() => {
        setItems((old) => old.map((item) => (item.id === `u:${id}` && item.kind === 'user' ? { kind: 'user', id: item.id, text: item.text } : item)));
        loadSessions();
      })
      .catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)));
  };

  const abort = (): void => {
    connection.call(chatAbortContract, { sessionKey: current }).catch((failure: unknown) => setError(String(failure)));
  };

  const decide = (id: string, decision: Decision): void => {
    connection
      .call(execApprovalResolveContract, { id, decision } as never)
      .then(() => setItems((old) => old.map((item) => (item.kind === 'approval' && item.id === id ? { ...item, state: decision } : item))))
      .catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)));
  };

  const sessionKeys = useMemo(() => {
    const keys = sessions.map((s) => s);
    if (!keys.some((s) => sameSession(s.key, current))) keys.unshift({ key: current, updatedAt: Date.now() });
    return keys;
  }, [sessions, current]);

  return (
    <div class={`chat ${showSidebar ? 'with-sidebar' : ''}`}>
      <aside class="sessions" aria-label="Sessions">
        <button
          type="button"
          class="primary"
          onClick={() => {
            setCurrent(`agent:main:webchat-${newId().slice(0, 8)}`);
            setShowSidebar(false);
          }}
        >
          + New chat
        </button>
        <VirtualList
          class="session-list"
          items={sessionKeys}
          keyOf={(session) => session.key}
          estimate={36}
          overscan={300}
          onNearBottom={loadMoreSessions}
          attributes={{ 'data-testid': 'session-list' }}
          render={(session) => (
            <button
              type="button"
              class={sameSession(session.key, current) ? 'session active' : 'session'}
              data-testid="session"
              aria-current={sameSession(session.key, current) ? 'page' : undefined}
              onClick={() => {
                setCurrent(session.key);
                setShowSidebar(false);
              }}
            >
              <span class="session-title">{session.label ?? shortKey(session.key)}</span>
              {session.hasActiveRun === true ? <span class="dot" title="running" /> : null}
            </button>
          )}
        />
      </aside>
      <section class="conversation" aria-label="Conversation">
        <header class="conversation-head">
          <button type="button" class="ghost sidebar-toggle" aria-expanded={showSidebar} onClick={() => setShowSidebar(!showSidebar)}>
            ☰ Sessions
          </button>
          <h2 data-testid="session-title">{shortKey(current)}</h2>
        </header>
        <VirtualList
          key={current}
          class="messages"
          items={items}
          keyOf={(item) => item.id}
          estimate={72}
          stickToBottom
          onNearTop={loadOlder}
          attributes={{ 'data-testid': 'messages', role: 'log', 'aria-live': 'polite' }}
          header={
            <>
              {cursor !== undefined ? (
                <button type="button" class="ghost older" data-testid="load-older" onClick={loadOlder}>
                  {isLoadingOlder.current ? 'Loading earlier messages…' : 'Show earlier messages'}
                </button>
              ) : null}
              {items.length === 0 ? <p class="empty">No messages yet. Say hello.</p> : null}
            </>
          }
          render={(item) => <Item item={item} onDecide={decide} />}
        />
        {error !== undefined ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
        <form class="composer" onSubmit={send}>
          <textarea
            aria-label="Message"
            data-testid="composer"
            rows={2}
            value={draft}
            placeholder="Message the assistant (Enter to send, Shift+Enter for a new line)"
            onInput={(event) => setDraft((event.target as HTMLTextAreaElement).value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) send(event);
            }}
          />
          {isStreaming ? (
            <button type="button" class="danger" data-testid="abort" onClick={abort}>
              Stop
            </button>
          ) : (
            <button type="submit" class="primary" data-testid="send">
              Send
            </button>
          )}
        </form>
      </section>
    </div>
  );
}

function sameSession(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  return a === b || shortKey(a) === shortKey(b);
}

type Decision = 'allow-once' | 'allow-always' | 'deny';

const DECIDED_TEXT: Record<Exclude<ApprovalState, 'pending'>, string> = { 'allow-once': 'allowed once', 'allow-always': 'always allowed', deny: 'denied', expired: 'expired' };

function Item({ item, onDecide }: { item: ChatItem; onDecide: (id: string, decision: Decision) => void }): JSX.Element {
  switch (item.kind) {
    case 'user':
      return (
        <div class="msg user" data-testid="msg-user">
          <div class="bubble">{item.text}</div>
          {item.queued === true ? <span class="meta">waiting for reconnect…</span> : null}
        </div>
      );
    case 'assistant':
      return (
        <div class={`msg assistant ${item.state}`} data-testid="msg-assistant" data-state={item.state}>
          <div class="bubble">
            <Markdown text={item.text} />
            {item.state === 'streaming' ? <span class="cursor" aria-hidden="true" /> : null}
            {item.state === 'aborted' ? <span class="meta">stopped</span> : null}
            {item.error !== undefined ? <span class="meta error">{item.error}</span> : null}
          </div>
          <button type="button" class="ghost copy" aria-label="Copy reply" onClick={() => copy(item.text)}>
            Copy
          </button>
        </div>
      );
    case 'tool':
      return (
        <details class={`tool ${item.status}`} data-testid="tool-card">
          <summary>
            <span class="tool-name">{item.name}</span> <code>{item.command ?? ''}</code>{' '}
            <span class="meta">{item.status === 'running' ? 'running…' : item.exitCode !== undefined ? `exit ${item.exitCode}` : item.status}</span>
          </summary>
          {item.nodeId !== undefined ? <div class="meta">node {item.nodeId}</div> : null}
          <pre class="code" data-testid="tool-output">
            <code>{item.output ?? ''}</code>
          </pre>
        </details>
      );
    case 'approval':
      return (
        <div class="approval" data-testid="approval-card" role="group" aria-label="Exec approval">
          <div>
            <strong>Run a command?</strong> <code>{item.command}</code>
          </div>
          <div class="meta">
            {item.nodeId !== undefined ? `on node ${item.nodeId.slice(0, 12)}` : 'on the gateway host'}
            {item.cwd !== undefined ? ` in ${item.cwd}` : ''}
          </div>
          {item.state === 'pending' ? (
            <div class="actions">
              <button type="button" class="primary" data-testid="approve-exec" onClick={() => onDecide(item.id, 'allow-once')}>
                Allow once
              </button>
              {item.canAllowAlways === true ? (
                <button type="button" data-testid="approve-exec-always" title="Run exactly this command (same arguments, folder and node) from now on without asking" onClick={() => onDecide(item.id, 'allow-always')}>
                  Always allow
                </button>
              ) : null}
              <button type="button" class="danger" onClick={() => onDecide(item.id, 'deny')}>
                Deny
              </button>
            </div>
          ) : (
            <div class="meta" data-testid="approval-state">{DECIDED_TEXT[item.state]}</div>
          )}
        </div>
      );
  }
}

function copy(text: string): void {
  if (navigator.clipboard !== undefined) {
    navigator.clipboard.writeText(text).catch(() => undefined);
    return;
  }
  // Plain-HTTP origins have no async clipboard: fall back to a hidden textarea selection.
  const area = document.createElement('textarea');
  area.value = text;
  document.body.append(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}
