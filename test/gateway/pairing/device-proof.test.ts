/** Device proof: the captured real frame verifies with an injected clock; every failure has its own code, also over a real socket. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError, type ConnectParams } from '../../../src/protocol/index.js';
import { DEVICE_SIGNATURE_SKEW_MS, verifyDeviceProof } from '../../../src/gateway/pairing/device-proof.js';
import { CAPTURED_NODE_CONNECT } from '../../helpers/captured-frames.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { connectDevice, createDeviceIdentity } from '../../helpers/device.js';

const params = structuredClone(CAPTURED_NODE_CONNECT.params) as unknown as ConnectParams;
const { nonce, ts } = CAPTURED_NODE_CONNECT.challenge;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof GatewayError ? error.code : 'not-a-gateway-error';
  }
}

describe('verifyDeviceProof', () => {
  it('accepts the real OpenClaw node-host frame as v3 when the clock is within ±2 min of signedAt', () => {
    const verified = verifyDeviceProof(params, params.device!, 'node', { challengeNonce: nonce, nowMs: ts + DEVICE_SIGNATURE_SKEW_MS });
    assert.equal(verified.version, 'v3');
    assert.equal(verified.deviceId, params.device!.id);
  });

  it('rejects a signedAt more than 2 minutes away with DEVICE_AUTH_SIGNATURE_EXPIRED', () => {
    assert.equal(codeOf(() => verifyDeviceProof(params, params.device!, 'node', { challengeNonce: nonce, nowMs: ts + DEVICE_SIGNATURE_SKEW_MS + 1 })), 'DEVICE_AUTH_SIGNATURE_EXPIRED');
    assert.equal(codeOf(() => verifyDeviceProof(params, params.device!, 'node', { challengeNonce: nonce, nowMs: ts - DEVICE_SIGNATURE_SKEW_MS - 1 })), 'DEVICE_AUTH_SIGNATURE_EXPIRED');
  });

  it("rejects a nonce that is not this connection's challenge with DEVICE_AUTH_NONCE_MISMATCH", () => {
    assert.equal(codeOf(() => verifyDeviceProof(params, params.device!, 'node', { challengeNonce: 'another-connection', nowMs: ts })), 'DEVICE_AUTH_NONCE_MISMATCH');
  });

  it('rejects a signature made for another role with DEVICE_AUTH_SIGNATURE_INVALID', () => {
    assert.equal(codeOf(() => verifyDeviceProof(params, params.device!, 'operator', { challengeNonce: nonce, nowMs: ts })), 'DEVICE_AUTH_SIGNATURE_INVALID');
  });
});

describe('device proof over a real socket', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway();
  });
  after(async () => {
    await gateway.stop();
  });

  const cases: { name: string; code: string; mutate: (device: Record<string, unknown>) => void; signedAtMs?: number }[] = [
    { name: 'an id that is not the hash of the key', code: 'DEVICE_AUTH_DEVICE_ID_MISMATCH', mutate: (d) => (d['id'] = '0'.repeat(64)) },
    { name: 'a key that is not 32 bytes', code: 'DEVICE_AUTH_PUBLIC_KEY_INVALID', mutate: (d) => (d['publicKey'] = 'AAAA') },
    { name: 'a nonce from another challenge', code: 'DEVICE_AUTH_NONCE_MISMATCH', mutate: (d) => (d['nonce'] = 'replayed-nonce') },
    { name: 'a forged signature', code: 'DEVICE_AUTH_SIGNATURE_INVALID', mutate: (d) => (d['signature'] = Buffer.alloc(64, 7).toString('base64url')) },
    { name: 'a signature from three minutes ago', code: 'DEVICE_AUTH_SIGNATURE_EXPIRED', mutate: () => undefined, signedAtMs: Date.now() - 3 * 60 * 1000 },
  ];
  for (const testCase of cases) {
    it(`refuses ${testCase.name} with ${testCase.code} and closes 1008, even with the right shared token`, async () => {
      const attempt = await connectDevice(gateway.url, {
        identity: createDeviceIdentity(),
        auth: { token: gateway.token! },
        mutateDevice: testCase.mutate,
        ...(testCase.signedAtMs === undefined ? {} : { signedAtMs: testCase.signedAtMs }),
      });
      assert.equal(attempt.ok, false);
      assert.equal(attempt.error!['code'], 'INVALID_REQUEST');
      assert.equal(attempt.error!['details'].code, testCase.code);
      assert.equal(typeof attempt.error!['details'].recommendedNextStep, 'string');
      assert.match(attempt.error!['message'], /^device auth failed: /);
      assert.equal((await attempt.raw.closed).code, 1008);
    });
  }
});
