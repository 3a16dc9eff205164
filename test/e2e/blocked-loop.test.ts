/**
 * The gateway's event loop blocked for 5 s (issue 12, load): clients that connect meanwhile either
 * complete their handshake once the loop runs again or get a typed, retryable refusal — never a
 * hang, never an untyped failure — and `health` then reports the stall in eventLoop.delayP99Ms (a real
 * measurement, not a constant). The gateway runs in its own process (test/helpers/gateway-child.ts)
 * and blocks its own loop on SIGUSR2; this process, which plays the clients, is never blocked.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTempStateDir } from '../helpers/gateway.js';
import { connectFrame, openRawSocket } from '../helpers/raw-socket.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), '..', 'helpers', 'gateway-child.js');
const TOKEN = 'blocked-loop-token-0123456789abcdef';
const BLOCK_MS = 5000;
const CLIENTS = Number(process.env['CLAWGATE_BLOCKED_LOOP_CLIENTS'] ?? 20);

type Outcome = { kind: 'connected'; health: Record<string, any> | undefined } | { kind: 'retryable'; detail: string } | { kind: 'failed'; detail: string };

/** One client: open, answer the challenge, connect; classified by what the gateway said. */
async function connectOnce(url: string, withHealth: boolean): Promise<Outcome> {
  let raw;
  try {
    raw = await openRawSocket(url, { handshakeTimeout: BLOCK_MS + 10_000 });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return /HTTP (503|429)/.test(detail) ? { kind: 'retryable', detail } : { kind: 'failed', detail };
  }
  try {
    await raw.waitFor((f) => f['event'] === 'connect.challenge', BLOCK_MS + 10_000);
    raw.send(connectFrame({ token: TOKEN, scopes: ['operator.read'] }));
    const res = (await raw.waitFor((f) => f['type'] === 'res' && f['id'] === 'c1', BLOCK_MS + 10_000)) as Record<string, any>;
    if (res['ok'] === true) {
      if (!withHealth) return { kind: 'connected', health: undefined };
      raw.send({ type: 'req', id: 'h1', method: 'health', params: {} });
      const health = (await raw.waitFor((f) => f['id'] === 'h1', 10_000)) as Record<string, any>;
      return { kind: 'connected', health: health['payload'] };
    }
    const detail = JSON.stringify(res['error']);
    return res['error']?.retryable === true ? { kind: 'retryable', detail } : { kind: 'failed', detail };
  } catch (error) {
    const closed = await Promise.race([raw.closed, sleep(100).then(() => undefined)]);
    // 1013 "try again later" and 1012 "service restart" are the retryable close codes.
    if (closed !== undefined && (closed.code === 1013 || closed.code === 1012)) return { kind: 'retryable', detail: `close ${closed.code} ${closed.reason}` };
    return { kind: 'failed', detail: `${error instanceof Error ? error.message : String(error)}; close ${JSON.stringify(closed)}` };
  } finally {
    raw.socket.terminate();
  }
}

describe('event loop blocked for 5 s', () => {
  it('new connects complete or get a typed retryable error, and health shows the stall in delayP99Ms', async () => {
    const child = spawn(process.execPath, [CHILD, createTempStateDir(), TOKEN], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, CLAWGATE_TEST_BLOCK_MS: String(BLOCK_MS) },
    });
    try {
      const lines = createInterface({ input: child.stdout! });
      const firstLine = await new Promise<string>((resolve) => lines.once('line', resolve));
      const url = `ws://127.0.0.1:${(JSON.parse(firstLine) as { port: number }).port}`;
      const baseline = await connectOnce(url, true);
      assert.equal(baseline.kind, 'connected');
      const unblocked = new Promise<number>((resolve) => lines.once('line', () => resolve(Date.now())));
      child.kill('SIGUSR2');
      await sleep(200); // the loop is now blocked
      const startedAt = Date.now();
      const outcomes = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => connectOnce(url, i === 0)));
      const unblockedAt = await unblocked;
      assert.ok(unblockedAt - startedAt >= BLOCK_MS - 500, 'the loop really was blocked');
      const failed = outcomes.filter((o) => o.kind === 'failed');
      assert.deepEqual(failed, [], 'every connect completed or was refused with a typed retryable error');
      assert.ok(outcomes.filter((o) => o.kind === 'connected').length > 0, 'connects complete once the loop runs again');
      assert.ok(Date.now() - unblockedAt < 10_000, 'and promptly after it does');
      // The first request after the stall sees it: delayP99Ms is measured, not a constant.
      const loop = outcomes[0]?.kind === 'connected' ? outcomes[0].health?.['eventLoop'] : undefined;
      assert.ok(loop !== undefined, `health answered: ${JSON.stringify(outcomes[0])}`);
      assert.ok(loop.delayP99Ms >= BLOCK_MS * 0.8, `delayP99Ms ${loop.delayP99Ms} reflects the ${BLOCK_MS} ms stall`);
      assert.equal(loop.degraded, true);
      assert.ok(loop.reasons.includes('event_loop_delay'));
      const idle = baseline.kind === 'connected' ? baseline.health?.['eventLoop'] : undefined;
      assert.ok(idle !== undefined && idle.delayP99Ms < 1000, `an idle gateway's p99 is small: ${JSON.stringify(idle)}`);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
