/**
 * @module test/helpers/fake-model — FAKE model servers for tests: a scripted OpenAI-compatible
 * `POST /v1/chat/completions` and a scripted Anthropic `POST /v1/messages`, both streaming SSE over
 * real HTTP on 127.0.0.1:0. They are fakes (no model runs); the wire shapes follow the captured
 * provider requests (openclaw-2026.9.6-provider-requests.jsonl) and the two vendors' SSE formats.
 *
 * A script is a list of steps, one per request, taken in order (the last one repeats). A step may be
 * a function of the recorded request, so a reply can quote the tool result it was sent.
 */
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';

export type FakeStep =
  | { kind: 'text'; chunks: string[]; chunkDelayMs?: number; usage?: { input: number; output: number } }
  | { kind: 'toolCall'; id: string; name: string; args: Record<string, unknown> }
  | { kind: 'error'; status: number; headers?: Record<string, string>; body?: unknown }
  /** Sends headers (and the given chunks), then nothing until the client gives up. */
  | { kind: 'hang'; chunks?: string[] };

export type FakeScriptEntry = FakeStep | ((request: RecordedRequest) => FakeStep);

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

export interface FakeModelServer {
  /** e.g. `http://127.0.0.1:PORT/v1`: the provider `baseUrl`. */
  baseUrl: string;
  requests: RecordedRequest[];
  /** Replaces the remaining script. */
  setScript(script: FakeScriptEntry[]): void;
  /** From now on, answer 401 (as the vendors do) to any request without this key; undefined: keyless. */
  requireApiKey(key: string | undefined): void;
  /** Resolves once `count` requests have arrived. */
  waitForRequests(count: number): Promise<void>;
  close(): Promise<void>;
}

type Flavor = 'openai' | 'anthropic';

/** A fake OpenAI-compatible chat-completions server. */
export function startFakeOpenAiServer(script: FakeScriptEntry[]): Promise<FakeModelServer> {
  return startFake('openai', script);
}

/** A fake Anthropic messages server. */
export function startFakeAnthropicServer(script: FakeScriptEntry[]): Promise<FakeModelServer> {
  return startFake('anthropic', script);
}

/** The last user message's text in a recorded request (either flavor). */
/**
 * Config sections that point the agent at a fake model server as `local/test-model` (OpenAI-compatible
 * unless `provider` overrides it); `exec` becomes `tools.exec` (e.g. `{ mode: 'ask' }`).
 */
export function fakeModelConfig(baseUrl: string, options: { exec?: Record<string, unknown>; provider?: Record<string, unknown> } = {}): Record<string, unknown> {
  return {
    models: { providers: { local: { baseUrl, api: 'openai-completions', apiKey: 'test-key', models: [{ id: 'test-model', name: 'test-model' }], ...options.provider } } },
    agents: { defaults: { model: { primary: 'local/test-model' } } },
    ...(options.exec === undefined ? {} : { tools: { exec: options.exec } }),
  };
}

export function lastUserText(request: RecordedRequest): string {
  const messages = (request.body['messages'] as { role: string; content: unknown }[] | undefined) ?? [];
  const user = messages.filter((m) => m.role === 'user').at(-1);
  return flattenContent(user?.content);
}

/** The newest tool result's text in a recorded request (either flavor). */
export function lastToolResultText(request: RecordedRequest): string {
  const messages = (request.body['messages'] as { role: string; content: unknown }[] | undefined) ?? [];
  for (const message of [...messages].reverse()) {
    if (message.role === 'tool') return flattenContent(message.content);
    if (message.role === 'user' && Array.isArray(message.content)) {
      const result = (message.content as { type: string; content?: unknown }[]).find((b) => b.type === 'tool_result');
      if (result !== undefined) return flattenContent(result.content);
    }
  }
  return '';
}

function flattenContent(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((b: { text?: unknown; content?: unknown }) => (typeof b.text === 'string' ? b.text : flattenContent(b.content))).join('');
}

async function startFake(flavor: Flavor, initial: FakeScriptEntry[]): Promise<FakeModelServer> {
  let script = [...initial];
  const requests: RecordedRequest[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const open = new Set<ServerResponse>();
  let requiredKey: string | undefined;
  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const recorded: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
    requests.push(recorded);
    for (const waiter of waiters.filter((w) => requests.length >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    const presented = flavor === 'openai' ? String(req.headers['authorization'] ?? '').replace(/^Bearer /, '') : String(req.headers['x-api-key'] ?? '');
    if (requiredKey !== undefined && presented !== requiredKey) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'invalid api key (fake model server)' } }));
      return;
    }
    // Both vendors list their models at GET /v1/models.
    if (req.method === 'GET' && recorded.path === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [{ id: 'fake-model', object: 'model' }] }));
      return;
    }
    const expectedPath = flavor === 'openai' ? '/v1/chat/completions' : '/v1/messages';
    if (req.method !== 'POST' || recorded.path !== expectedPath) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found (fake model server)' } }));
      return;
    }
    const entry = script.length > 1 ? script.shift()! : script[0];
    const step = typeof entry === 'function' ? entry(recorded) : entry ?? { kind: 'text', chunks: ['(fake model: empty script)'] };
    open.add(res);
    res.on('close', () => open.delete(res));
    await respond(flavor, step, String(recorded.body['model'] ?? 'fake'), res);
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    setScript(next) {
      script = [...next];
    },
    requireApiKey(key) {
      requiredKey = key;
    },
    waitForRequests(count) {
      if (requests.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    close() {
      for (const res of open) res.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function respond(flavor: Flavor, step: FakeStep, model: string, res: ServerResponse): Promise<void> {
  if (step.kind === 'error') {
    const body = step.body ?? (flavor === 'openai' ? { error: { message: `fake error ${step.status}`, type: 'fake' } } : { type: 'error', error: { type: 'fake_error', message: `fake error ${step.status}` } });
    res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers }).end(JSON.stringify(body));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const events = flavor === 'openai' ? openAiEvents(step, model) : anthropicEvents(step, model);
  const delayMs = step.kind === 'text' ? step.chunkDelayMs ?? 0 : 0;
  for (const event of events) {
    if (res.destroyed) return;
    res.write(event);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
  if (step.kind !== 'hang') res.end();
}

function openAiEvents(step: FakeStep, model: string): string[] {
  const base = { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1795490557, model };
  const data = (value: unknown): string => `data: ${JSON.stringify(value)}\n\n`;
  const chunk = (delta: unknown, finish: string | null = null): string => data({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
  if (step.kind === 'hang') return [chunk({ role: 'assistant', content: '' }), ...(step.chunks ?? []).map((text) => chunk({ content: text }))];
  if (step.kind === 'error') return [];
  const usage = step.kind === 'text' ? step.usage ?? { input: 12, output: step.chunks.length } : { input: 20, output: 8 };
  const usageChunk = data({ ...base, choices: [], usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output } });
  if (step.kind === 'text') {
    return [chunk({ role: 'assistant', content: '' }), ...step.chunks.map((text) => chunk({ content: text })), chunk({}, 'stop'), usageChunk, 'data: [DONE]\n\n'];
  }
  // Arguments arrive fragmented, as real providers send them.
  const args = JSON.stringify(step.args);
  const half = Math.floor(args.length / 2);
  return [
    chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: step.id, type: 'function', function: { name: step.name, arguments: args.slice(0, half) } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(half) } }] }),
    chunk({}, 'tool_calls'),
    usageChunk,
    'data: [DONE]\n\n',
  ];
}

function anthropicEvents(step: FakeStep, model: string): string[] {
  const event = (name: string, value: unknown): string => `event: ${name}\ndata: ${JSON.stringify({ type: name, ...(value as object) })}\n\n`;
  const start = event('message_start', { message: { id: 'msg_fake', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 12, output_tokens: 1 } } });
  if (step.kind === 'hang') {
    return [start, event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }), ...(step.chunks ?? []).map((text) => event('content_block_delta', { index: 0, delta: { type: 'text_delta', text } }))];
  }
  if (step.kind === 'error') return [];
  if (step.kind === 'text') {
    return [
      start,
      event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      ...step.chunks.map((text) => event('content_block_delta', { index: 0, delta: { type: 'text_delta', text } })),
      event('content_block_stop', { index: 0 }),
      event('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: step.usage?.output ?? step.chunks.length } }),
      event('message_stop', {}),
    ];
  }
  const args = JSON.stringify(step.args);
  return [
    start,
    event('content_block_start', { index: 0, content_block: { type: 'tool_use', id: step.id, name: step.name, input: {} } }),
    event('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: args.slice(0, 5) } }),
    event('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: args.slice(5) } }),
    event('content_block_stop', { index: 0 }),
    event('message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 8 } }),
    event('message_stop', {}),
  ];
}
