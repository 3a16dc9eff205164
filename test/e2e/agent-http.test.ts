/** The gateway's OpenAI-compatible POST /v1/chat/completions (§8), against a FAKE model server over real HTTP. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createAgentFeature } from '../../src/agent/feature.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startFakeOpenAiServer, type FakeModelServer } from '../helpers/fake-model.js';

function config(baseUrl: string, enabled: boolean): Record<string, unknown> {
  return {
    gateway: { http: { endpoints: { chatCompletions: { enabled } } } },
    models: { providers: { local: { baseUrl, apiKey: 'test-key', models: [{ id: 'test-model', name: 'test-model' }] } } },
    agents: { defaults: { model: 'local/test-model' } },
  };
}

describe('POST /v1/chat/completions', () => {
  let model: FakeModelServer;
  let enabled: TestGateway;
  let disabled: TestGateway;
  before(async () => {
    model = await startFakeOpenAiServer([{ kind: 'text', chunks: ['Hello', ' there'] }]);
    enabled = await startTestGateway({ features: [createAgentFeature()], config: config(model.baseUrl, true) });
    disabled = await startTestGateway({ features: [createAgentFeature()], config: config(model.baseUrl, false) });
  });
  after(async () => {
    await Promise.all([enabled.stop(), disabled.stop()]);
    await model.close();
  });

  const post = (gateway: TestGateway, body: unknown, token: string | undefined = gateway.token): Promise<Response> =>
    fetch(`http://127.0.0.1:${gateway.server.port}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      body: JSON.stringify(body),
    });

  it('is 404 unless gateway.http.endpoints.chatCompletions.enabled', async () => {
    assert.equal((await post(disabled, { model: 'openclaw', messages: [{ role: 'user', content: 'hi' }] })).status, 404);
  });

  it('is 401 without the gateway token', async () => {
    const response = await post(enabled, { model: 'openclaw', messages: [{ role: 'user', content: 'hi' }] }, 'wrong');
    assert.equal(response.status, 401);
    assert.deepEqual(await response.json(), { error: { message: 'Unauthorized', type: 'unauthorized' } });
  });

  it('answers a chat.completion with the agent reply', async () => {
    const response = await post(enabled, { model: 'openclaw', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { object: string; model: string; choices: { message: { content: string }; finish_reason: string }[] };
    assert.equal(body.object, 'chat.completion');
    assert.equal(body.model, 'openclaw');
    assert.equal(body.choices[0]?.message.content, 'Hello there');
    assert.equal(body.choices[0]?.finish_reason, 'stop');
  });

  it('streams chunks: role, content deltas, finish, usage, [DONE]', async () => {
    const response = await post(enabled, { model: 'openclaw/main', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] });
    const text = await response.text();
    const events = text.split('\n\n').filter((e) => e.startsWith('data: ')).map((e) => e.slice(6));
    assert.equal(events.at(-1), '[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e) as { choices: { delta: { role?: string; content?: string }; finish_reason: string | null }[]; usage?: unknown });
    assert.equal(chunks[0]?.choices[0]?.delta.role, 'assistant');
    assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), 'Hello there');
    assert.ok(chunks.some((c) => c.choices[0]?.finish_reason === 'stop'));
    assert.ok(chunks.at(-1)?.usage !== undefined);
  });
});
