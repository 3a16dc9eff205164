/** Model calls through the AI SDK against FAKE OpenAI-compatible and Anthropic servers (scripted SSE over real HTTP). */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createAiSdkProvider } from '../../../src/agent/providers/ai-sdk.js';
import { resolveModelTarget } from '../../../src/agent/providers/model-config.js';
import type { ModelEvent, ModelRequest } from '../../../src/agent/providers/provider.js';
import type { ModelsConfig } from '../../../src/config/index.js';
import { GatewayError } from '../../../src/protocol/index.js';
import { startFakeAnthropicServer, startFakeOpenAiServer, type FakeModelServer } from '../../helpers/fake-model.js';

const servers: FakeModelServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

function modelsFor(server: FakeModelServer, api: 'openai-completions' | 'anthropic-messages', extra: Record<string, unknown> = {}): ModelsConfig {
  return { providers: { local: { baseUrl: server.baseUrl, api, apiKey: 'test-key', models: [{ id: 'test-model', name: 'test-model' }], ...extra } } };
}

function request(models: ModelsConfig): ModelRequest {
  return {
    target: resolveModelTarget(models, 'local/test-model'),
    system: 'You are a test.',
    messages: [{ role: 'user', content: 'Say hello', timestamp: 1 }],
    tools: [{ name: 'exec', description: 'Run a command', parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] } }],
  };
}

async function collect(iterable: AsyncIterable<ModelEvent>): Promise<ModelEvent[]> {
  const events: ModelEvent[] = [];
  for await (const event of iterable) events.push(event);
  return events;
}

async function failure(iterable: AsyncIterable<ModelEvent>): Promise<GatewayError> {
  try {
    await collect(iterable);
  } catch (error) {
    assert.ok(error instanceof GatewayError, `expected a GatewayError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the stream to fail');
}

const noSleep = { sleep: async () => undefined };

describe('createAiSdkProvider (openai-completions, fake server)', () => {
  it('streams text deltas, usage and the finish reason, sending the captured request shape', async () => {
    const server = await startFakeOpenAiServer([{ kind: 'text', chunks: ['Hello', ' from', ' test-model.'], usage: { input: 12, output: 5 } }]);
    servers.push(server);
    const events = await collect(createAiSdkProvider().stream(request(modelsFor(server, 'openai-completions')), new AbortController().signal));
    assert.deepEqual(events.filter((e) => e.type === 'text').map((e) => (e as { delta: string }).delta), ['Hello', ' from', ' test-model.']);
    assert.deepEqual(events.find((e) => e.type === 'usage'), { type: 'usage', input: 12, output: 5 });
    assert.deepEqual(events.at(-1), { type: 'finish', reason: 'stop' });
    const sent = server.requests[0]!;
    assert.equal(sent.path, '/v1/chat/completions');
    assert.equal(sent.headers['authorization'], 'Bearer test-key');
    assert.equal(sent.body['stream'], true);
    assert.deepEqual(sent.body['stream_options'], { include_usage: true });
    assert.equal(sent.body['model'], 'test-model');
    const tools = sent.body['tools'] as { type: string; function: { name: string } }[];
    assert.equal(tools[0]?.type, 'function');
    assert.equal(tools[0]?.function.name, 'exec');
  });

  it('assembles a tool call whose arguments arrive in fragments', async () => {
    const server = await startFakeOpenAiServer([{ kind: 'toolCall', id: 'call_1', name: 'exec', args: { command: 'uname -a', host: 'node' } }]);
    servers.push(server);
    const events = await collect(createAiSdkProvider().stream(request(modelsFor(server, 'openai-completions')), new AbortController().signal));
    assert.deepEqual(events.find((e) => e.type === 'toolCall'), { type: 'toolCall', id: 'call_1', name: 'exec', arguments: { command: 'uname -a', host: 'node' } });
    assert.deepEqual(events.at(-1), { type: 'finish', reason: 'toolUse' });
  });

  it('retries a 500 and succeeds, reporting the retry', async () => {
    const server = await startFakeOpenAiServer([{ kind: 'error', status: 500 }, { kind: 'text', chunks: ['ok'] }]);
    servers.push(server);
    const events = await collect(createAiSdkProvider(noSleep).stream(request(modelsFor(server, 'openai-completions')), new AbortController().signal));
    assert.equal(server.requests.length, 2);
    assert.deepEqual(events[0], { type: 'retry', attempt: 1, maxAttempts: 3, reason: 'server_error', delayMs: 1000 });
    assert.ok(events.some((e) => e.type === 'text' && e.delta === 'ok'));
  });

  it('honours retry-after on 429', async () => {
    const server = await startFakeOpenAiServer([{ kind: 'error', status: 429, headers: { 'retry-after': '7' } }, { kind: 'text', chunks: ['ok'] }]);
    servers.push(server);
    const slept: number[] = [];
    const provider = createAiSdkProvider({ sleep: async (ms) => void slept.push(ms) });
    const events = await collect(provider.stream(request(modelsFor(server, 'openai-completions')), new AbortController().signal));
    assert.deepEqual(slept, [7000]);
    assert.equal(events[0]?.type === 'retry' && events[0].reason, 'rate_limit');
  });

  it('ends at once on 401 with MODEL_AUTH_FAILED naming provider, model and the fix, never the key', async () => {
    const server = await startFakeOpenAiServer([{ kind: 'error', status: 401 }]);
    servers.push(server);
    const error = await failure(createAiSdkProvider(noSleep).stream(request(modelsFor(server, 'openai-completions')), new AbortController().signal));
    assert.equal(error.code, 'MODEL_AUTH_FAILED');
    assert.equal(server.requests.length, 1);
    assert.match(error.message, /local\/test-model/);
    assert.match(error.message, /models\.providers\.local\.apiKey/);
    assert.doesNotMatch(error.message, /test-key/);
  });

  it('gives up after maxAttempts of 5xx with MODEL_REQUEST_FAILED', async () => {
    const server = await startFakeOpenAiServer([{ kind: 'error', status: 503 }]);
    servers.push(server);
    const error = await failure(createAiSdkProvider(noSleep).stream(request(modelsFor(server, 'openai-completions')), new AbortController().signal));
    assert.equal(error.code, 'MODEL_REQUEST_FAILED');
    assert.equal(server.requests.length, 3);
  });

  it('fails a silent stream with MODEL_TIMEOUT after timeoutSeconds', async () => {
    const server = await startFakeOpenAiServer([{ kind: 'hang' }]);
    servers.push(server);
    const provider = createAiSdkProvider({ ...noSleep, maxAttempts: 1 });
    const error = await failure(provider.stream(request(modelsFor(server, 'openai-completions', { timeoutSeconds: 0.3 })), new AbortController().signal));
    assert.equal(error.code, 'MODEL_TIMEOUT');
    assert.match(error.message, /timeoutSeconds/);
  });

  it('stops the stream when the run is aborted', async () => {
    const server = await startFakeOpenAiServer([{ kind: 'hang', chunks: ['partial'] }]);
    servers.push(server);
    const controller = new AbortController();
    const events: ModelEvent[] = [];
    await assert.rejects(async () => {
      for await (const event of createAiSdkProvider(noSleep).stream(request(modelsFor(server, 'openai-completions')), controller.signal)) {
        events.push(event);
        controller.abort();
      }
    });
    assert.deepEqual(events, [{ type: 'text', delta: 'partial' }]);
  });

  it('substitutes ${VAR} in apiKey from the environment', async () => {
    const server = await startFakeOpenAiServer([{ kind: 'text', chunks: ['ok'] }]);
    servers.push(server);
    const models = modelsFor(server, 'openai-completions', { apiKey: '${FAKE_MODEL_KEY}' });
    await collect(createAiSdkProvider({ env: { FAKE_MODEL_KEY: 'from-env' } }).stream(request(models), new AbortController().signal));
    assert.equal(server.requests[0]?.headers['authorization'], 'Bearer from-env');
    const error = await failure(createAiSdkProvider({ env: {} }).stream(request(models), new AbortController().signal));
    assert.equal(error.code, 'MODEL_API_KEY_UNAVAILABLE');
  });
});

describe('createAiSdkProvider (anthropic-messages, fake server)', () => {
  it('streams text and a tool call from the messages API', async () => {
    const server = await startFakeAnthropicServer([{ kind: 'text', chunks: ['Hi', ' there'] }, { kind: 'toolCall', id: 'toolu_1', name: 'exec', args: { command: 'uname -a' } }]);
    servers.push(server);
    const provider = createAiSdkProvider();
    const models = modelsFor(server, 'anthropic-messages', { baseUrl: server.baseUrl.replace(/\/v1$/, '') });
    const text = await collect(provider.stream(request(models), new AbortController().signal));
    assert.equal(text.filter((e) => e.type === 'text').map((e) => (e as { delta: string }).delta).join(''), 'Hi there');
    assert.equal(server.requests[0]?.path, '/v1/messages');
    assert.equal(server.requests[0]?.headers['x-api-key'], 'test-key');
    const tool = await collect(provider.stream(request(models), new AbortController().signal));
    assert.deepEqual(tool.find((e) => e.type === 'toolCall'), { type: 'toolCall', id: 'toolu_1', name: 'exec', arguments: { command: 'uname -a' } });
  });
});
