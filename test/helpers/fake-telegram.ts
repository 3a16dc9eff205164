/**
 * @module test/helpers/fake-telegram — a FAKE Telegram Bot API server over real HTTP on loopback.
 *
 * It is not Telegram: it implements the methods Clawgate's channel calls (getMe, deleteWebhook,
 * setWebhook, getWebhookInfo, getUpdates long polling, sendMessage, editMessageText, sendChatAction,
 * setMyCommands, deleteMyCommands, answerCallbackQuery) with the Bot API's JSON envelope
 * (`{ok:true,result}` / `{ok:false,error_code,description,parameters?}`), its HTML parse-mode rules,
 * its 4096-char limit and its 409 rules (a second poller, or getUpdates while a webhook is set).
 * Tests point `channels.telegram.apiRoot` at it, inject updates, read the recorded calls, and ask for
 * failures (429 with retry_after, 5xx, 401, 403, 400 parse errors) on demand.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  params: Record<string, unknown>;
  atMs: number;
  /** HTTP status the fake answered. */
  status: number;
  /** The `result` of a successful call (e.g. the sent Message). */
  result?: unknown;
}

export interface InjectedFailure {
  status: number;
  description: string;
  retryAfterSec?: number;
  /** How many calls fail (default 1). */
  times?: number;
  /** Only calls whose params match. */
  when?: (params: Record<string, unknown>) => boolean;
}

export interface FakeMessageInput {
  chatId: number;
  fromId?: number;
  text: string;
  chatType?: 'private' | 'group' | 'supergroup';
  username?: string;
  firstName?: string;
  threadId?: number;
  /** Adds a bot_command entity when the text starts with "/". Default true. */
  entities?: unknown[];
  replyToBot?: boolean;
}

interface HeldPoll {
  params: Record<string, unknown>;
  limit: number;
  res: ServerResponse;
  timer: NodeJS.Timeout;
}

const ALLOWED_TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'span', 'tg-spoiler', 'a', 'code', 'pre', 'blockquote', 'tg-emoji']);

export class FakeTelegram {
  readonly token: string;
  readonly botId = 7_000_001;
  readonly botUsername = 'clawgate_test_bot';
  readonly calls: RecordedCall[] = [];
  readonly #server: Server;
  readonly #updates: Record<string, unknown>[] = [];
  readonly #failures = new Map<string, InjectedFailure[]>();
  readonly #messages = new Map<string, { text: string; chatId: number }>();
  readonly #waiters = new Set<() => void>();
  readonly #blockedChats = new Set<number>();
  #nextUpdateId = 100_000;
  #nextMessageId = 1;
  #confirmedOffset = 0;
  #held: HeldPoll | undefined;
  #webhookUrl = '';
  #revoked = false;
  #stalled = false;
  #stalledResponses: ServerResponse[] = [];

  private constructor(token: string) {
    this.token = token;
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  /** Starts a fake on 127.0.0.1:0 accepting `token`. */
  static async start(token = '7000001:AAfakeTelegramTokenForTestsOnly_0123'): Promise<FakeTelegram> {
    const fake = new FakeTelegram(token);
    await new Promise<void>((resolve) => fake.#server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The value for `channels.telegram.apiRoot`. */
  get apiRoot(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  get webhookUrl(): string {
    return this.#webhookUrl;
  }

  /** Updates not yet confirmed by a getUpdates offset. */
  get unconfirmedUpdates(): number {
    return this.#updates.filter((update) => (update['update_id'] as number) >= this.#confirmedOffset).length;
  }

  async close(): Promise<void> {
    this.#releaseHeld();
    for (const res of this.#stalledResponses) res.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Queues a raw update (update_id assigned) and wakes a held getUpdates. */
  injectUpdate(update: Record<string, unknown>): number {
    const updateId = this.#nextUpdateId++;
    this.#updates.push({ update_id: updateId, ...update });
    this.#answerHeld();
    return updateId;
  }

  /** Queues a text message update. */
  injectMessage(input: FakeMessageInput): number {
    const chatType = input.chatType ?? (input.chatId < 0 ? 'supergroup' : 'private');
    const fromId = input.fromId ?? input.chatId;
    const message: Record<string, unknown> = {
      message_id: this.#nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: chatType === 'private' ? { id: input.chatId, type: 'private', first_name: input.firstName ?? 'Tester' } : { id: input.chatId, type: chatType, title: 'Test group', ...(input.threadId === undefined ? {} : { is_forum: true }) },
      from: { id: fromId, is_bot: false, first_name: input.firstName ?? 'Tester', ...(input.username === undefined ? {} : { username: input.username }) },
      text: input.text,
    };
    if (input.threadId !== undefined) {
      message['message_thread_id'] = input.threadId;
      message['is_topic_message'] = true;
    }
    const command = /^\/\w+(@\w+)?/.exec(input.text);
    if (input.entities !== undefined) message['entities'] = input.entities;
    else if (command !== null) message['entities'] = [{ type: 'bot_command', offset: 0, length: command[0].length }];
    if (input.replyToBot === true) message['reply_to_message'] = { message_id: 1, date: 0, chat: message['chat'], from: { id: this.botId, is_bot: true, first_name: 'Bot', username: this.botUsername }, text: 'earlier' };
    return this.injectUpdate({ message });
  }

  /** Queues an inline-button press. */
  injectCallbackQuery(input: { chatId: number; fromId: number; data: string; messageId?: number; text?: string }): number {
    return this.injectUpdate({
      callback_query: {
        id: `cbq-${this.#nextUpdateId}`,
        from: { id: input.fromId, is_bot: false, first_name: 'Tester' },
        chat_instance: 'ci-1',
        data: input.data,
        message: { message_id: input.messageId ?? 1, date: 0, chat: { id: input.chatId, type: 'private' }, text: input.text ?? 'approval' },
      },
    });
  }

  /** The next `times` calls of `method` ('*' = any) fail as given. */
  failNext(method: string, failure: InjectedFailure): void {
    const list = this.#failures.get(method) ?? [];
    list.push({ times: 1, ...failure });
    this.#failures.set(method, list);
  }

  /** Every later call answers 401 Unauthorized (a revoked token). */
  revokeToken(): void {
    this.#revoked = true;
  }

  /** Sends to this chat answer 403 "bot was blocked by the user". */
  blockChat(chatId: number): void {
    this.#blockedChats.add(chatId);
  }

  /** getUpdates requests are accepted but never answered (a dead long poll). */
  stallPolls(stalled: boolean): void {
    this.#stalled = stalled;
    if (!stalled) for (const res of this.#stalledResponses.splice(0)) res.destroy();
  }

  /** True while a long poll is being held open (a poller is connected). */
  get isPollHeld(): boolean {
    return this.#held !== undefined;
  }

  /** Recorded calls of one method. */
  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Successful sendMessage texts to a chat, in order. */
  sentTexts(chatId: number): string[] {
    return this.calls.filter((call) => call.method === 'sendMessage' && call.status === 200 && Number(call.params['chat_id']) === chatId).map((call) => String(call.params['text']));
  }

  /** Resolves once a recorded call matches (checks past calls first). */
  async waitForCall(method: string, predicate: (call: RecordedCall) => boolean = () => true, timeoutMs = 10_000): Promise<RecordedCall> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.calls.find((call) => call.method === method && predicate(call));
      if (found !== undefined) return found;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`fake Telegram: no ${method} call matched within ${timeoutMs} ms; calls: ${this.calls.map((c) => `${c.method}:${c.status}`).join(', ')}`);
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(remaining, 200));
        this.#waiters.add(wake);
      });
    }
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    if (match === null) return this.#reply(res, 'unknown', {}, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token, method = ''] = match;
    const params = await readParams(req);
    if (token !== this.token || this.#revoked) return this.#reply(res, method, params, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const failure = this.#takeFailure(method, params);
    if (failure !== undefined) {
      const body: Record<string, unknown> = { ok: false, error_code: failure.status, description: failure.description };
      if (failure.retryAfterSec !== undefined) body['parameters'] = { retry_after: failure.retryAfterSec };
      return this.#reply(res, method, params, failure.status, body);
    }
    const chatId = Number(params['chat_id']);
    if (this.#blockedChats.has(chatId) && method.startsWith('send')) {
      return this.#reply(res, method, params, 403, { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    }
    switch (method) {
      case 'getMe':
        return this.#ok(res, method, params, { id: this.botId, is_bot: true, first_name: 'Clawgate Test', username: this.botUsername, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false });
      case 'deleteWebhook':
        this.#webhookUrl = '';
        if (params['drop_pending_updates'] === true) this.#updates.splice(0);
        return this.#ok(res, method, params, true);
      case 'setWebhook':
        this.#webhookUrl = String(params['url'] ?? '');
        return this.#ok(res, method, params, true);
      case 'getWebhookInfo':
        return this.#ok(res, method, params, { url: this.#webhookUrl, has_custom_certificate: false, pending_update_count: this.unconfirmedUpdates });
      case 'getUpdates':
        return this.#getUpdates(res, params);
      case 'sendMessage':
        return this.#sendMessage(res, params);
      case 'editMessageText':
        return this.#editMessageText(res, params);
      case 'sendChatAction':
      case 'setMyCommands':
      case 'deleteMyCommands':
      case 'answerCallbackQuery':
        return this.#ok(res, method, params, true);
      default:
        return this.#reply(res, method, params, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    }
  }

  #getUpdates(res: ServerResponse, params: Record<string, unknown>): void {
    if (this.#webhookUrl !== '') {
      return this.#reply(res, 'getUpdates', params, 409, { ok: false, error_code: 409, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first" });
    }
    if (this.#held !== undefined) {
      const previous = this.#held;
      this.#held = undefined;
      clearTimeout(previous.timer);
      this.#reply(previous.res, 'getUpdates', {}, 409, { ok: false, error_code: 409, description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running' });
    }
    if (this.#stalled) {
      this.calls.push({ method: 'getUpdates', params, atMs: Date.now(), status: 0 });
      this.#stalledResponses.push(res);
      return;
    }
    const offset = typeof params['offset'] === 'number' ? params['offset'] : 0;
    if (offset > this.#confirmedOffset) this.#confirmedOffset = offset;
    const limit = typeof params['limit'] === 'number' ? params['limit'] : 100;
    const ready = this.#pendingFrom(limit);
    const timeoutSec = typeof params['timeout'] === 'number' ? params['timeout'] : 0;
    if (ready.length > 0 || timeoutSec <= 0) return this.#ok(res, 'getUpdates', params, ready);
    const timer = setTimeout(() => {
      if (this.#held?.res !== res) return;
      this.#held = undefined;
      this.#ok(res, 'getUpdates', params, []);
    }, timeoutSec * 1000);
    this.#held = { params, limit, res, timer };
    res.on('close', () => {
      if (this.#held?.res === res) {
        clearTimeout(timer);
        this.#held = undefined;
      }
    });
  }

  #pendingFrom(limit: number): Record<string, unknown>[] {
    return this.#updates.filter((update) => (update['update_id'] as number) >= this.#confirmedOffset).slice(0, limit);
  }

  #answerHeld(): void {
    const held = this.#held;
    if (held === undefined) return;
    this.#held = undefined;
    clearTimeout(held.timer);
    this.#ok(held.res, 'getUpdates', held.params, this.#pendingFrom(held.limit));
  }

  #releaseHeld(): void {
    const held = this.#held;
    this.#held = undefined;
    if (held !== undefined) {
      clearTimeout(held.timer);
      held.res.destroy();
    }
  }

  #sendMessage(res: ServerResponse, params: Record<string, unknown>): void {
    const text = typeof params['text'] === 'string' ? params['text'] : '';
    const problem = checkText(text, params['parse_mode']);
    if (problem !== undefined) return this.#reply(res, 'sendMessage', params, 400, { ok: false, error_code: 400, description: problem });
    const chatId = Number(params['chat_id']);
    if (!Number.isFinite(chatId)) return this.#reply(res, 'sendMessage', params, 400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' });
    const messageId = this.#nextMessageId++;
    this.#messages.set(`${chatId}:${messageId}`, { text, chatId });
    this.#ok(res, 'sendMessage', params, { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: chatId < 0 ? 'supergroup' : 'private' }, text });
  }

  #editMessageText(res: ServerResponse, params: Record<string, unknown>): void {
    const key = `${Number(params['chat_id'])}:${Number(params['message_id'])}`;
    const existing = this.#messages.get(key);
    if (existing === undefined) return this.#reply(res, 'editMessageText', params, 400, { ok: false, error_code: 400, description: 'Bad Request: message to edit not found' });
    const text = typeof params['text'] === 'string' ? params['text'] : '';
    const problem = checkText(text, params['parse_mode']);
    if (problem !== undefined) return this.#reply(res, 'editMessageText', params, 400, { ok: false, error_code: 400, description: problem });
    if (existing.text === text) return this.#reply(res, 'editMessageText', params, 400, { ok: false, error_code: 400, description: 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message' });
    existing.text = text;
    this.#ok(res, 'editMessageText', params, { message_id: Number(params['message_id']), date: Math.floor(Date.now() / 1000), chat: { id: existing.chatId, type: 'private' }, text });
  }

  #takeFailure(method: string, params: Record<string, unknown>): InjectedFailure | undefined {
    for (const key of [method, '*']) {
      const list = this.#failures.get(key);
      const index = list?.findIndex((failure) => failure.when === undefined || failure.when(params)) ?? -1;
      if (list === undefined || index < 0) continue;
      const failure = list[index]!;
      failure.times = (failure.times ?? 1) - 1;
      if (failure.times <= 0) list.splice(index, 1);
      return failure;
    }
    return undefined;
  }

  #ok(res: ServerResponse, method: string, params: Record<string, unknown>, result: unknown): void {
    this.#reply(res, method, params, 200, { ok: true, result });
  }

  #reply(res: ServerResponse, method: string, params: Record<string, unknown>, status: number, body: unknown): void {
    const result = (body as { result?: unknown }).result;
    this.calls.push({ method, params, atMs: Date.now(), status, ...(result === undefined ? {} : { result }) });
    if (!res.writableEnded && !res.destroyed) {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    }
    for (const wake of [...this.#waiters]) wake();
  }
}

async function readParams(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  const query = Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
  if (raw === '') return query;
  if ((req.headers['content-type'] ?? '').includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(raw));
}

/** Telegram's text checks: empty, too long, and (parse_mode HTML) its tag and entity rules. */
function checkText(text: string, parseMode: unknown): string | undefined {
  if (text.trim() === '') return 'Bad Request: message text is empty';
  if (parseMode !== 'HTML') return [...text].length > 4096 ? 'Bad Request: message is too long' : undefined;
  const stack: string[] = [];
  let visible = 0;
  for (let i = 0; i < text.length; ) {
    const char = text[i]!;
    if (char === '<') {
      const end = text.indexOf('>', i);
      if (end < 0) return `Bad Request: can't parse entities: unclosed start tag at byte offset ${i}`;
      const tag = text.slice(i + 1, end);
      const closing = tag.startsWith('/');
      const name = (closing ? tag.slice(1) : tag).split(/\s/)[0]!.toLowerCase();
      if (!ALLOWED_TAGS.has(name)) return `Bad Request: can't parse entities: unsupported start tag "${name}" at byte offset ${i}`;
      if (closing) {
        if (stack.pop() !== name) return `Bad Request: can't parse entities: can't find end tag corresponding to start tag "${name}"`;
      } else stack.push(name);
      i = end + 1;
      continue;
    }
    if (char === '&') {
      const entity = /^&(lt|gt|amp|quot|#\d+|#x[0-9a-f]+);/i.exec(text.slice(i));
      if (entity === null) return `Bad Request: can't parse entities: character entity expected at byte offset ${i}`;
      i += entity[0].length;
      visible += 1;
      continue;
    }
    visible += 1;
    i += 1;
  }
  if (stack.length > 0) return `Bad Request: can't parse entities: can't find end tag corresponding to start tag "${stack.at(-1)}"`;
  return visible > 4096 ? 'Bad Request: message is too long' : undefined;
}
