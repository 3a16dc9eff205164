/** AuthRateLimiter in isolation: buckets, sliding window, lockout, penalties, and the counted codes. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AuthRateLimiter, CREDENTIAL_FAILURE_CODES, DEFAULT_AUTH_RATE_LIMIT, bucketFor, type ResolvedClientAddress } from '../../../src/gateway/index.js';
import { ERROR_CATALOGUE, GatewayError } from '../../../src/protocol/index.js';
import { createFakeClock } from '../../helpers/fake-clock.js';

function client(overrides: Partial<ResolvedClientAddress>): ResolvedClientAddress {
  return { address: '203.0.113.9', peerAddress: '203.0.113.9', isLocal: false, isBrowser: false, origin: undefined, isForwarded: false, isProxied: false, ...overrides };
}

const wrongToken = (): never => {
  throw new GatewayError('AUTH_TOKEN_MISMATCH');
};

describe('bucketFor', () => {
  it('keys a loopback browser by origin, a remote client by address, and the local CLI by one delay bucket', () => {
    assert.deepEqual(bucketFor(client({ isLocal: true, isBrowser: true, origin: 'http://a.test' })), { key: 'origin:http://a.test', policy: 'lockout' });
    assert.deepEqual(bucketFor(client({ isBrowser: true, origin: 'http://a.test' })), { key: 'address:203.0.113.9', policy: 'lockout' });
    assert.deepEqual(bucketFor(client({ isLocal: true })), { key: 'local', policy: 'delay' });
  });
});

describe('AuthRateLimiter', () => {
  it('counts failures in a sliding window: old failures age out', async () => {
    const clock = createFakeClock();
    const limiter = new AuthRateLimiter(DEFAULT_AUTH_RATE_LIMIT, clock);
    const remote = client({});
    for (let i = 0; i < 9; i++) await assert.rejects(limiter.run(remote, wrongToken));
    clock.advance(60_000);
    await assert.rejects(limiter.run(remote, wrongToken), /token mismatch/);
    assert.equal(limiter.lockedForMs(bucketFor(remote)), 0, 'nine failures left the window before the tenth');
  });

  it('locks out at maxAttempts and refuses without running the attempt', async () => {
    const clock = createFakeClock();
    const limiter = new AuthRateLimiter({ ...DEFAULT_AUTH_RATE_LIMIT, maxAttempts: 3, lockoutMs: 1000 }, clock);
    const remote = client({});
    for (let i = 0; i < 3; i++) await assert.rejects(limiter.run(remote, wrongToken));
    let ran = false;
    await assert.rejects(
      limiter.run(remote, () => {
        ran = true;
      }),
      (error: unknown) => error instanceof GatewayError && error.code === 'AUTH_RATE_LIMITED' && error.toErrorShape().retryAfterMs === 1000,
    );
    assert.equal(ran, false, 'no credential work while locked');
    clock.advance(1000);
    assert.equal(await limiter.run(remote, () => 'ok'), 'ok');
  });

  it('ignores errors that are not wrong credentials', async () => {
    const limiter = new AuthRateLimiter({ ...DEFAULT_AUTH_RATE_LIMIT, maxAttempts: 1 }, createFakeClock());
    const remote = client({});
    await assert.rejects(limiter.run(remote, () => { throw new GatewayError('AUTH_TOKEN_MISSING'); }));
    await assert.rejects(limiter.run(remote, () => { throw new GatewayError('PROTOCOL_MISMATCH'); }));
    assert.equal(limiter.lockedForMs(bucketFor(remote)), 0);
  });
});

describe('CREDENTIAL_FAILURE_CODES', () => {
  it('lists only catalogue codes, and every "wrong credential" code of the catalogue is in it', () => {
    for (const code of CREDENTIAL_FAILURE_CODES) assert.ok(code in ERROR_CATALOGUE, code);
    const wrongCredentialCodes = Object.entries(ERROR_CATALOGUE)
      .filter(([, definition]) => 'recommendedNextStep' in definition && definition.recommendedNextStep === 'update_auth_credentials')
      .map(([code]) => code);
    for (const code of wrongCredentialCodes) {
      assert.ok(CREDENTIAL_FAILURE_CODES.has(code), `${code} means a wrong credential: add it to CREDENTIAL_FAILURE_CODES so guesses of it are rate-limited`);
    }
  });
});
