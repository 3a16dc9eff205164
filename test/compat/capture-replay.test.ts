/**
 * Capture replay: the client frames the real OpenClaw 2026.9.6 CLI sent (recorded through a logging
 * MITM, copied verbatim from the shared reference captures into test/compat/captures/) are replayed
 * against Clawgate with the captured token swapped for the test gateway's. Every captured `connect`
 * must get hello-ok; every request for a method Clawgate advertises must succeed (except ones that
 * depend on state only the recorded gateway had); the rest must get a conforming coded error. Every
 * server frame is validated against protocol.schema.json.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { openRecordedSocket } from '../helpers/frame-recorder.js';
import { ProtocolSchema } from '../helpers/protocol-schema.js';

/** Methods whose captured params name objects only the recorded gateway had (a pairing request, a node). */
const STATEFUL_METHODS = new Set(['node.pair.approve', 'node.pair.reject', 'node.invoke']);

interface CapturedSession {
  /** c2s frames in order; the first is `connect`. */
  frames: Record<string, unknown>[];
}

/** Splits a capture into WebSocket sessions: each `meta` upgrade line starts one. */
function readCapture(name: string): CapturedSession[] {
  const path = fileURLToPath(new URL(`../../../test/compat/captures/${name}`, import.meta.url));
  const sessions: CapturedSession[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const record = JSON.parse(line) as { dir: string; data: string };
    if (record.dir === 'meta' && record.data.startsWith('{')) sessions.push({ frames: [] });
    if (record.dir === 'c2s') sessions.at(-1)?.frames.push(JSON.parse(record.data) as Record<string, unknown>);
  }
  return sessions;
}

/** The captured connect with its shared secret replaced by `token`. */
function withToken(connect: Record<string, unknown>, token: string): Record<string, unknown> {
  const params = connect['params'] as Record<string, unknown>;
  return { ...connect, params: { ...params, auth: { token } } };
}

describe('replay of captured OpenClaw 2026.9.6 CLI sessions', () => {
  const schema = new ProtocolSchema();
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway();
  });
  after(async () => {
    await gateway.stop();
  });

  for (const capture of ['openclaw-2026.9.6-health.jsonl', 'openclaw-2026.9.6-op.jsonl']) {
    it(`answers every session of ${capture} like a gateway the CLI accepts`, async () => {
      const sessions = readCapture(capture);
      assert.ok(sessions.length > 0, 'capture has sessions');
      let okResponses = 0;
      for (const [index, session] of sessions.entries()) {
        const [connect, ...requests] = session.frames;
        assert.equal(connect?.['method'], 'connect', `session ${index} starts with connect`);
        const { socket, recorder } = await openRecordedSocket(gateway.url);
        await recorder.waitFor((f) => f['event'] === 'connect.challenge');
        socket.send(JSON.stringify(withToken(connect!, gateway.token!)));
        const hello = await recorder.waitFor((f) => f['type'] === 'res' && f['id'] === connect!['id']);
        assert.equal(hello['ok'], true, `session ${index}: connect refused: ${JSON.stringify(hello['error'])}`);
        const advertised = new Set(((hello['payload'] as Record<string, any>)['features'].methods as string[]) ?? []);
        okResponses++;
        for (const request of requests) {
          const method = String(request['method']);
          socket.send(JSON.stringify(request));
          const res = await recorder.waitFor((f) => f['type'] === 'res' && f['id'] === request['id']);
          if (advertised.has(method) && !STATEFUL_METHODS.has(method)) {
            assert.equal(res['ok'], true, `session ${index}: ${method} failed: ${JSON.stringify(res['error'])}`);
            okResponses++;
          } else {
            const error = res['error'] as { details?: { code?: string } } | undefined;
            assert.equal(res['ok'], false, `session ${index}: ${method} cannot succeed here`);
            if (!advertised.has(method)) assert.equal(error?.details?.code, 'UNKNOWN_METHOD');
          }
        }
        socket.close();
        recorder.assertConforms(schema);
      }
      assert.ok(okResponses >= sessions.length, 'every captured connect got hello-ok');
    });
  }

  it('answers the captured `openclaw gateway health` request with a health summary', async () => {
    const [session] = readCapture('openclaw-2026.9.6-health.jsonl');
    const [connect, health] = session!.frames;
    const { socket, recorder } = await openRecordedSocket(gateway.url);
    await recorder.waitFor((f) => f['event'] === 'connect.challenge');
    socket.send(JSON.stringify(withToken(connect!, gateway.token!)));
    await recorder.waitFor((f) => f['id'] === connect!['id']);
    socket.send(JSON.stringify(health));
    const res = await recorder.waitFor((f) => f['id'] === health!['id']);
    const payload = res['payload'] as Record<string, unknown>;
    assert.equal(payload['ok'], true);
    assert.equal(typeof payload['durationMs'], 'number', 'the CLI prints OK (<durationMs>ms)');
    socket.close();
    recorder.assertConforms(schema);
  });
});
