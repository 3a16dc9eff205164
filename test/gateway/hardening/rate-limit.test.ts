/**
 * Brute force against the shared secret (ClawJacked, #14137, T-CSWSH-3, T-AUTH-4), over real sockets
 * with an injected clock: lockouts and penalties are checked without waiting.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { attemptConnect } from '../../helpers/connect-attempt.js';
import { createFakeClock, type FakeClock } from '../../helpers/fake-clock.js';
import { runCli } from '../../../src/cli/main.js';

const ATTACKER_ORIGIN = 'http://localhost:5173';

describe('auth-failure rate limit (defaults: 10 failures / 60 s, 5 min lockout)', () => {
  let gateway: TestGateway;
  let clock: FakeClock;
  before(async () => {
    clock = createFakeClock();
    // A page on an allowed origin stands for the worst case: the Origin gate let it through, and it
    // talks to the loopback gateway from the owner's own browser.
    gateway = await startTestGateway({
      clock,
      config: { gateway: { controlUi: { allowedOrigins: [ATTACKER_ORIGIN, 'http://localhost:5174', 'http://localhost:5175'] } } },
    });
  });
  after(async () => {
    await gateway.stop();
  });

  it('cannot brute-force the token (rate-limited)', async () => {
    const ws = { origin: ATTACKER_ORIGIN };
    for (let guess = 0; guess < 10; guess++) {
      // A bogus deviceToken beside the guess must not switch the limiter off (OpenClaw PR #57647).
      const auth = guess % 2 === 0 ? { deviceToken: 'bogus-device-token' } : {};
      const attempt = await attemptConnect(gateway.url, { token: `guess-${guess}-xxxxxxxx`, auth, ws });
      assert.equal(attempt.error?.['details'].code, 'AUTH_TOKEN_MISMATCH', `guess ${guess}`);
    }
    // Locked out: even the right token is refused now, before it is checked.
    const locked = await attemptConnect(gateway.url, { token: gateway.token!, ws });
    assert.equal(locked.ok, false);
    assert.equal(locked.error?.['code'], 'INVALID_REQUEST');
    assert.equal(locked.error?.['details'].code, 'AUTH_RATE_LIMITED');
    assert.equal(locked.error?.['details'].recommendedNextStep, 'wait_then_retry');
    assert.equal(locked.error?.['message'], 'unauthorized: too many failed authentication attempts (retry later)');
    assert.equal(locked.error?.['retryable'], true);
    assert.equal(locked.error?.['retryAfterMs'], 300_000);
    assert.equal(locked.closeCode, 1008);
    assert.ok(gateway.logLines.some((line) => line.includes('auth rate limit: too many failed attempts, locked out') && line.includes(`origin:${ATTACKER_ORIGIN}`)));

    clock.advance(120_000);
    const stillLocked = await attemptConnect(gateway.url, { token: gateway.token!, ws });
    assert.equal(stillLocked.error?.['retryAfterMs'], 180_000);

    clock.advance(180_001);
    assert.equal((await attemptConnect(gateway.url, { token: gateway.token!, ws })).ok, true, 'the lockout ends');
    assert.deepEqual(clock.sleeps, [], 'browsers are locked out, never merely delayed');
  });

  it('a missing credential is not a guess and does not count', async () => {
    const ws = { origin: 'http://localhost:5174' };
    for (let i = 0; i < 12; i++) {
      const attempt = await attemptConnect(gateway.url, { ws });
      assert.equal(attempt.error?.['details'].code, 'AUTH_TOKEN_MISSING');
    }
    assert.equal((await attemptConnect(gateway.url, { token: gateway.token!, ws })).ok, true);
  });

  it('a success clears the failures counted so far', async () => {
    const ws = { origin: 'http://localhost:5175' };
    for (const round of [1, 2]) {
      for (let i = 0; i < 9; i++) {
        assert.equal((await attemptConnect(gateway.url, { token: 'wrong-token-xyz', ws })).error?.['details'].code, 'AUTH_TOKEN_MISMATCH');
      }
      assert.equal((await attemptConnect(gateway.url, { token: gateway.token!, ws })).ok, true, `round ${round}`);
    }
  });

  it("the owner's local CLI is never locked out", async () => {
    for (let guess = 0; guess < 25; guess++) {
      const attempt = await attemptConnect(gateway.url, { token: `typo-${guess}-token` });
      assert.equal(attempt.error?.['details'].code, 'AUTH_TOKEN_MISMATCH', `attempt ${guess} is answered, never AUTH_RATE_LIMITED`);
    }
    // Past maxAttempts each attempt waits first: 250 ms doubling, capped at 5 s.
    assert.deepEqual(clock.sleeps, [250, 500, 1000, 2000, 4000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000]);
    assert.equal((await attemptConnect(gateway.url, { token: gateway.token! })).ok, true, 'the right token still gets in');

    // The real CLI, with the right token, works right after; the success reset the penalty.
    const stdout: string[] = [];
    const stderr: string[] = [];
    const io = { stdout: { write: (t: string) => stdout.push(t) }, stderr: { write: (t: string) => stderr.push(t) }, env: {} };
    const code = await runCli(['gateway', 'health', '--url', gateway.url, '--token', gateway.token!, '--json'], io);
    assert.equal(code, 0, stderr.join(''));
    assert.equal(clock.sleeps.length, 16, 'no penalty after the success');
  });
});

describe('auth-failure rate limit turned off', () => {
  it('gateway.auth.rateLimit.enabled=false lets wrong guesses through unthrottled (the audit warns about it)', async () => {
    const clock = createFakeClock();
    const gateway = await startTestGateway({ clock, config: { gateway: { auth: { rateLimit: { enabled: false } } } } });
    try {
      for (let i = 0; i < 12; i++) {
        assert.equal((await attemptConnect(gateway.url, { token: 'wrong-token-xyz' })).error?.['details'].code, 'AUTH_TOKEN_MISMATCH');
      }
      assert.deepEqual(clock.sleeps, []);
    } finally {
      await gateway.stop();
    }
  });
});
