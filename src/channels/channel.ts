/**
 * @module channels/channel — what a messaging channel (Telegram first) implements, and the shapes it
 * reports: the account snapshot of OpenClaw's `channels.status` (reference A13), inbound messages,
 * outbound sends. The gateway core never imports this folder; a new channel is a new sub-folder.
 */
import type { Clock } from '../time/index.js';

/** OpenClaw's runtime lifecycle patch (`src/gateway/channel-status-patches.ts`). */
export type ChannelLifecycle = 'ready' | 'recovering' | 'blocked' | 'stopped';

/**
 * One account's status, field names as in OpenClaw's `channelAccounts[*]` (A13). Open: a channel
 * may add its own fields (`tokenSource`, `probe`, `webhookUrl`, …). Times are epoch ms or null.
 */
export interface ChannelAccountSnapshot {
  accountId: string;
  enabled: boolean;
  configured: boolean;
  running: boolean;
  connected: boolean;
  lifecycle: ChannelLifecycle;
  mode: string | null;
  /** The last failure in plain words, with what to do; null when healthy. */
  lastError: string | null;
  lastStartAt: number | null;
  lastStopAt: number | null;
  lastConnectedAt: number | null;
  lastEventAt: number | null;
  lastTransportActivityAt: number | null;
  lastInboundAt: number | null;
  lastOutboundAt: number | null;
  lastProbeAt: number | null;
  reconnectAttempts: number;
  restartPending: boolean;
  [extra: string]: unknown;
}

/** One `statusIssues` row (A13): something the operator should fix. */
export interface ChannelStatusIssue {
  channel: string;
  accountId: string;
  kind: 'intent' | 'permissions' | 'config' | 'auth' | 'runtime';
  message: string;
  fix?: string;
}

/** Who sent an inbound message. */
export interface InboundSender {
  /** The channel's stable user id (Telegram `from.id`), as a string. */
  id: string;
  username?: string;
  displayName?: string;
}

/** Where a conversation lives: enough to route it to a session and to reply into it. */
export interface ConversationRef {
  /** The channel's chat id (Telegram: numeric, negative for groups), as a string. */
  chatId: string;
  kind: 'direct' | 'group';
  /** Forum topic / thread, when the message came from one. */
  threadId?: string;
}

/** An admitted inbound message, after the channel's own access checks. */
export interface InboundMessage {
  channel: string;
  accountId: string;
  sender: InboundSender;
  conversation: ConversationRef;
  text: string;
  /** The channel's message id, for reply threading. */
  messageId?: string;
  /** Commands (`/status`) and `/stop` skip the merge window (A9). */
  isCommand: boolean;
  /** Channel bookkeeping ids (Telegram update ids) carried through to the reply sink. */
  sourceIds: readonly number[];
  receivedAtMs: number;
}

/** What a turn produces for the channel to deliver. */
export interface ReplySink {
  /** The agent run started (typing goes on). */
  begin(): void;
  /** Streaming: the reply text so far (cumulative). */
  partial(text: string): void;
  /** Streaming: a progress line (tool call, plan step). */
  progress(line: string): void;
  /** The final reply; resolves when delivered (or definitively failed). */
  final(text: string): Promise<void>;
  /** The run failed: one short readable line for the user. */
  fail(message: string): Promise<void>;
}

/** An outbound message from `send` / `agent {deliver}`. */
export interface OutboundRequest {
  /** Channel-specific target (`123`, `telegram:123`, `-100123:topic:5`). */
  to: string;
  text: string;
  accountId?: string;
  threadId?: string;
  replyToId?: string;
  silent?: boolean;
}

/** The outcome of a send, shaped for OpenClaw's `send` result and `deliveryStatus`. */
export interface SendResult {
  status: 'sent' | 'partial_failed' | 'failed';
  channel: string;
  chatId: string;
  /** The first message id Telegram assigned, when one was sent. */
  messageId?: string;
  messageIds: string[];
  /** Plain-words reason when not fully sent. */
  error?: string;
  /** A machine reason (`invalid_delivery_target`, `blocked`, `rate_limited`, …). */
  reason?: string;
}

/** What the host (the channel manager) gives a running channel. */
export interface ChannelRunContext {
  /** Aborted when the channel is stopped. */
  signal: AbortSignal;
  clock: Clock;
  /** An admitted message; the router merges, routes and runs the turn. */
  inbound(message: InboundMessage): void;
  /** The channel failed and should be restarted by the supervisor (with backoff). */
  crashed(error: unknown): void;
  /** The channel cannot work until the operator acts (revoked token): no restart, readiness 503. */
  blocked(reason: string): void;
}

/**
 * A channel account (Telegram bot, …). `start` resolves once it is receiving; failures after that
 * go through `ctx.crashed` / `ctx.blocked`. `stop` is idempotent.
 */
export interface ChannelPlugin {
  readonly id: string;
  readonly accountId: string;
  readonly label: string;
  readonly detailLabel: string;
  readonly systemImage?: string;
  start(ctx: ChannelRunContext): Promise<void>;
  stop(): Promise<void>;
  /** Direct outbound delivery (`send`). */
  send(request: OutboundRequest): Promise<SendResult>;
  /** A reply sink for a turn that answers `message` (same chat and topic). */
  openReply(batch: readonly InboundMessage[]): ReplySink;
  /** The live account snapshot (the manager adds supervisor fields). */
  snapshot(): ChannelAccountSnapshot;
  /** A live check (Telegram: getMe), for `channels.status {probe:true}`. */
  probe?(timeoutMs: number): Promise<Record<string, unknown>>;
  /** Config problems worth showing in `statusIssues`. */
  issues?(): ChannelStatusIssue[];
  /** A question with buttons (exec approvals); each choice's `data` comes back through the channel's button handler. */
  sendPrompt?(to: string, html: string, choices: readonly { label: string; data: string }[]): Promise<boolean>;
}

/** What a channel does after an inline-button press: a toast, and optionally a closing line that replaces the buttons. */
export interface ButtonAnswer {
  toast?: string;
  /** Appended to the prompt, whose buttons are then removed (the decision is final). */
  closingLine?: string;
}

/** What a channel owner can decide about an exec approval from a button. */
export type ChannelApprovalDecision = 'allow-once' | 'allow-always' | 'deny';

/** An inline-button press, as a channel reports it. */
export interface ButtonPress {
  fromId: string;
  chatId: string;
  data: string;
  messageId: number;
  /** The prompt's text as the user sees it (plain). */
  promptText?: string;
}
