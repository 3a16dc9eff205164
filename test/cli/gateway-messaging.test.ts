/**
 * `gateway send` and `gateway agent` against a local fake of OpenClaw's wire contract (Clawgate has no
 * channels or agent yet): params shape, and the two-stage agent response (accepted ack, then final).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTempStateDir, startTestGateway } from '../helpers/gateway.js';
import { runCliInProcess } from '../helpers/cli.js';
import { startFakeOpenClaw } from '../helpers/fake-openclaw.js';

const TOKEN = 'fake-openclaw-token-123';

describe('gateway send / agent', () => {
  it('agent waits past the accepted ack and prints the final result', async () => {
    const fake = await startFakeOpenClaw(
      {
        agent: (_params, reply) => {
          reply({ ok: true, payload: { runId: 'run-1', status: 'accepted', acceptedAt: Date.now() } });
          setTimeout(() => reply({ ok: true, payload: { runId: 'run-1', status: 'ok', summary: 'completed', result: { payloads: [{ text: 'hello' }] } } }), 50);
        },
      },
      TOKEN,
    );
    try {
      const result = await runCliInProcess(['gateway', 'agent', '--url', fake.url, '--token', TOKEN, '--message', 'Say hello', '--session-key', 'agent:main:main', '--json'], { CLAWGATE_STATE_DIR: createTempStateDir() });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(JSON.parse(result.stdout).status, 'ok');
      const request = fake.requests[0]!;
      assert.equal(request.method, 'agent');
      const params = request.params as Record<string, unknown>;
      assert.equal(params['message'], 'Say hello');
      assert.equal(params['sessionKey'], 'agent:main:main');
      assert.match(String(params['idempotencyKey']), /^[0-9a-f-]{36}$/);
    } finally {
      await fake.close();
    }
  });

  it('send passes to, message, channel and an idempotency key', async () => {
    const fake = await startFakeOpenClaw({ send: (_params, reply) => reply({ ok: true, payload: { runId: 'r', messageId: 'm-1', channel: 'telegram' } }) }, TOKEN);
    try {
      const result = await runCliInProcess(['gateway', 'send', '--url', fake.url, '--token', TOKEN, '--to', '123456789', '--message', 'hi', '--channel', 'telegram', '--idempotency-key', 'k-1', '--json'], { CLAWGATE_STATE_DIR: createTempStateDir() });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(fake.requests[0]!.params, { to: '123456789', idempotencyKey: 'k-1', message: 'hi', channel: 'telegram' });
    } finally {
      await fake.close();
    }
  });

  it('send without --message or --media-url is a usage error (exit 2)', async () => {
    const result = await runCliInProcess(['gateway', 'send', '--url', 'ws://127.0.0.1:1', '--token', TOKEN, '--to', 'x'], { CLAWGATE_STATE_DIR: createTempStateDir() });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /send needs --message or --media-url/);
  });

  it('against a Clawgate gateway (no channels yet) send fails with "unknown method: send", exit 1', async () => {
    const gateway = await startTestGateway();
    try {
      const result = await runCliInProcess(['gateway', 'send', '--url', gateway.url, '--token', gateway.token!, '--to', 'x', '--message', 'hi'], { CLAWGATE_STATE_DIR: createTempStateDir() });
      assert.equal(result.code, 1);
      assert.match(result.stderr, /unknown method: send \[UNKNOWN_METHOD\]/);
    } finally {
      await gateway.stop();
    }
  });
});
