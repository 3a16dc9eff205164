/**
 * @module channels/telegram/bot-api — the grammY client (loaded lazily) and what its errors mean.
 *
 * grammY, its throttler and the runner cost ~20 MB and ~150 ms to load, so they are imported only
 * when a Telegram account is configured; a gateway without Telegram never pays for them. The
 * throttler enforces Telegram's limits (30/s global, 1/s and 20/min per group, 1/s per private chat;
 * A12). Errors are classified by `error_code`, never by a "401" substring (OpenClaw #94787), and
 * each failure says whether the request may have reached Telegram: a send that may have reached it
 * is never repeated (A12), so a user never gets a reply twice.
 */
import type { Bot } from 'grammy';

/** What went wrong with a Bot API call, in the terms the channel acts on. */
export type TelegramFailureKind = 'rate_limited' | 'unauthorized' | 'forbidden' | 'conflict' | 'parse_error' | 'bad_request' | 'server' | 'network' | 'timeout';

export interface TelegramFailure {
  kind: TelegramFailureKind;
  /** Telegram's error_code, or 0 for transport failures. */
  status: number;
  description: string;
  retryAfterMs?: number;
  /** False only when Telegram provably did not act on the request (429, connection refused, …). */
  mayHaveReached: boolean;
  /** For 400 "group chat was upgraded to a supergroup". */
  migrateToChatId?: number;
}

/** Transport errors that mean the request never left this host. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_INVALID_URL']);

export interface TelegramClientOptions {
  token: string;
  apiRoot: string;
  /** Per-chat spacing of the throttler (default 1000 ms, Telegram's 1 msg/s per chat). */
  perChatMinMs?: number;
}

/** The grammY pieces the channel uses, loaded together on first use. */
export interface GrammyRuntime {
  bot: Bot;
  sequentialize: typeof import('@grammyjs/runner').sequentialize;
}

/** Builds a throttled grammY Bot (not started: we poll ourselves, durably). */
export async function createGrammyRuntime(options: TelegramClientOptions): Promise<GrammyRuntime> {
  const [{ Bot: BotClass }, { apiThrottler }, { sequentialize }] = await Promise.all([import('grammy'), import('@grammyjs/transformer-throttler'), import('@grammyjs/runner')]);
  const bot = new BotClass(options.token, {
    client: {
      apiRoot: options.apiRoot,
      // Node's fetch (undici): its errors carry `cause.code`, which tells "never sent" from "maybe sent".
      fetch: fetchWithNativeSignal as never,
      timeoutSeconds: 60,
    },
  });
  const minTime = options.perChatMinMs ?? 1000;
  const throttled = apiThrottler({
    global: { reservoir: 30, reservoirRefreshAmount: 30, reservoirRefreshInterval: 1000 },
    group: { maxConcurrent: 1, minTime, reservoir: 20, reservoirRefreshAmount: 20, reservoirRefreshInterval: 60_000 },
    out: { maxConcurrent: 1, minTime },
  });
  // Typing is not a message: Telegram does not count it against the 1 msg/s per chat, and queueing it
  // behind the reply would delay the reply by a second. The typing loop spaces it (5 s) by itself.
  bot.api.config.use((prev, method, payload, signal) => (method === 'sendChatAction' ? prev(method, payload, signal) : throttled(prev, method, payload, signal)));
  return { bot, sequentialize };
}

/**
 * Node's fetch with grammY's abort signal carried over to a native one. grammY's Node build passes
 * an `abort-controller` polyfill signal, which Node 22+'s fetch rejects ("Expected signal to be an
 * instance of AbortSignal") before sending anything; Node 20 accepted it, so this broke only there.
 */
function fetchWithNativeSignal(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const signal: unknown = init?.signal;
  if (signal === undefined || signal === null || signal instanceof AbortSignal) return fetch(input, init);
  const foreign = signal as Pick<AbortSignal, 'aborted' | 'addEventListener'>;
  const controller = new AbortController();
  if (foreign.aborted) controller.abort();
  else foreign.addEventListener('abort', () => controller.abort(), { once: true });
  return fetch(input, { ...init, signal: controller.signal });
}

/** Classifies anything a grammY call threw. */
export function classifyTelegramError(error: unknown): TelegramFailure {
  const api = asApiError(error);
  if (api !== undefined) return classifyApiError(api);
  const cause = transportCause(error);
  if (cause.isTimeout) return { kind: 'timeout', status: 0, description: 'request timed out', mayHaveReached: true };
  const description = cause.code === undefined ? cause.message : `${cause.message} (${cause.code})`;
  return { kind: 'network', status: 0, description, mayHaveReached: cause.code === undefined || !NOT_SENT_CODES.has(cause.code) };
}

interface ApiErrorLike {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

function classifyApiError(api: ApiErrorLike): TelegramFailure {
  const base = { status: api.error_code, description: api.description };
  const retryAfter = api.parameters?.retry_after;
  if (api.error_code === 429) return { ...base, kind: 'rate_limited', mayHaveReached: false, retryAfterMs: Math.max(1, retryAfter ?? 1) * 1000 };
  if (api.error_code === 401) return { ...base, kind: 'unauthorized', mayHaveReached: false };
  if (api.error_code === 403) return { ...base, kind: 'forbidden', mayHaveReached: false };
  if (api.error_code === 409) return { ...base, kind: 'conflict', mayHaveReached: false };
  if (api.error_code === 400 && /can't parse entities/i.test(api.description)) return { ...base, kind: 'parse_error', mayHaveReached: false };
  if (api.error_code === 400) {
    const failure: TelegramFailure = { ...base, kind: 'bad_request', mayHaveReached: false };
    if (api.parameters?.migrate_to_chat_id !== undefined) failure.migrateToChatId = api.parameters.migrate_to_chat_id;
    return failure;
  }
  if (api.error_code >= 500) return { ...base, kind: 'server', mayHaveReached: true };
  return { ...base, kind: 'bad_request', mayHaveReached: false };
}

function asApiError(error: unknown): ApiErrorLike | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as Partial<ApiErrorLike>;
  if (typeof candidate.error_code !== 'number' || typeof candidate.description !== 'string') return undefined;
  return candidate as ApiErrorLike;
}

/** Digs the transport error out of grammY's HttpError → fetch TypeError → cause chain. */
function transportCause(error: unknown): { message: string; code: string | undefined; isTimeout: boolean } {
  let current: unknown = error;
  let code: string | undefined;
  let isTimeout = false;
  let message = error instanceof Error ? error.message : String(error);
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const record = current as { code?: unknown; name?: unknown; error?: unknown; cause?: unknown; message?: unknown };
    if (typeof record.code === 'string') code ??= record.code;
    if (record.name === 'AbortError' || record.name === 'TimeoutError') isTimeout = true;
    if (typeof record.message === 'string' && depth > 0) message = record.message;
    current = record.error ?? record.cause;
  }
  return { message, code, isTimeout };
}

/** Plain words for a failure, with the fix when there is one (A12's actionable errors). */
export function describeTelegramFailure(failure: TelegramFailure, context: { chatId?: string } = {}): string {
  const chat = context.chatId === undefined ? 'the chat' : `chat ${context.chatId}`;
  switch (failure.kind) {
    case 'unauthorized':
      return 'Telegram rejected the bot token (401 Unauthorized): it was revoked or is wrong. Fix: get the token from @BotFather, update channels.telegram.botToken, then `clawgate channels start telegram`.';
    case 'forbidden':
      return /blocked/i.test(failure.description)
        ? `Telegram refused to deliver to ${chat}: the user blocked the bot (403). They must unblock it and send /start.`
        : `Telegram refused to deliver to ${chat} (403: ${failure.description}): the bot was removed from the group or never started by the user.`;
    case 'conflict':
      return /webhook/i.test(failure.description)
        ? 'Telegram says a webhook is active for this token (409), so long polling cannot run; clearing it and retrying.'
        : 'Telegram says another poller uses this token (409 Conflict): another gateway, script or bot instance may be polling with the same token. Stop the other instance.';
    case 'rate_limited':
      return `Telegram rate limit (429): waiting ${Math.round((failure.retryAfterMs ?? 0) / 1000)} s as Telegram asked.`;
    case 'parse_error':
      return `Telegram could not parse the formatted message (${failure.description}); it was sent as plain text instead.`;
    case 'bad_request':
      if (/chat not found/i.test(failure.description)) return `Telegram: ${chat} not found (400). The user has not started the bot, the id is wrong, or the group was migrated.`;
      if (failure.migrateToChatId !== undefined) return `Telegram: the group was upgraded to a supergroup; its new id is ${failure.migrateToChatId}. Update channels.telegram.groups.`;
      return `Telegram rejected the request (400: ${failure.description}).`;
    case 'server':
      return `Telegram server error (${failure.status}: ${failure.description}).`;
    case 'timeout':
      return 'Telegram did not answer in time (request timed out).';
    case 'network':
      return `Cannot reach the Telegram Bot API: ${failure.description}.`;
  }
}
