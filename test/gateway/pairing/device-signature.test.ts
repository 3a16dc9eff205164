/** The device-auth payload and signature, checked against a real OpenClaw 2026.9.6 node-host connect frame. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { base64UrlDecode, base64UrlEncode, buildDeviceAuthPayload, signatureToken } from '../../../src/protocol/index.js';
import { deviceIdFromRawPublicKey, rawPublicKeyFrom, verifyDeviceSignature } from '../../../src/gateway/pairing/device-signature.js';
import { CAPTURED_NODE_CONNECT } from '../../helpers/captured-frames.js';

function capturedFields(overrides: Partial<Parameters<typeof buildDeviceAuthPayload>[1]> = {}): Parameters<typeof buildDeviceAuthPayload>[1] {
  const { params } = CAPTURED_NODE_CONNECT;
  return {
    deviceId: params.device.id,
    clientId: params.client.id,
    clientMode: params.client.mode,
    role: params.role,
    scopes: params.scopes,
    signedAtMs: params.device.signedAt,
    token: signatureToken(params.auth),
    nonce: params.device.nonce,
    platform: params.client.platform,
    deviceFamily: params.client.deviceFamily,
    ...overrides,
  };
}

describe('device auth (captured OpenClaw 2026.9.6 node-host frame)', () => {
  const rawKey = rawPublicKeyFrom(CAPTURED_NODE_CONNECT.params.device.publicKey)!;

  it('derives the device id as the SHA-256 hex of the raw 32-byte public key', () => {
    assert.equal(rawKey.length, 32);
    assert.equal(deviceIdFromRawPublicKey(rawKey), CAPTURED_NODE_CONNECT.params.device.id);
  });

  it('builds the exact v3 payload, with deviceFamily lower-cased, that the real node host signed', () => {
    const payload = buildDeviceAuthPayload('v3', capturedFields());
    assert.equal(
      payload,
      'v3|6cc85130533b986887b75e62e15d2fe8bf7cd135a09ba96511fe26aed0ea435e|node-host|node|node||1795489501273|anchortok|640108b1-dbf8-4415-91af-3cab62690c9a|linux|linux',
    );
    assert.equal(verifyDeviceSignature(rawKey, payload, CAPTURED_NODE_CONNECT.params.device.signature), true);
  });

  it('rejects the signature over the v2 payload, a changed field, or deviceFamily left in its original case', () => {
    const { signature } = CAPTURED_NODE_CONNECT.params.device;
    assert.equal(verifyDeviceSignature(rawKey, buildDeviceAuthPayload('v2', capturedFields()), signature), false);
    assert.equal(verifyDeviceSignature(rawKey, buildDeviceAuthPayload('v3', capturedFields({ role: 'operator' })), signature), false);
    assert.equal(verifyDeviceSignature(rawKey, buildDeviceAuthPayload('v3', capturedFields({ nonce: 'other' })), signature), false);
    const unnormalized = buildDeviceAuthPayload('v3', capturedFields()).replace(/\|linux$/, '|Linux');
    assert.equal(verifyDeviceSignature(rawKey, unnormalized, signature), false);
  });

  it('binds the signature to the first present of token, deviceToken, bootstrapToken', () => {
    assert.equal(signatureToken({ bootstrapToken: 'b', deviceToken: 'd' }), 'd');
    assert.equal(signatureToken({ bootstrapToken: 'b' }), 'b');
    assert.equal(signatureToken(undefined), '');
  });
});

describe('base64url (browser-safe, no Buffer)', () => {
  it('round-trips every byte value and matches Node\'s base64url without padding', () => {
    const bytes = new Uint8Array(259).map((_, index) => index % 256);
    const encoded = base64UrlEncode(bytes);
    assert.equal(encoded, Buffer.from(bytes).toString('base64url'));
    assert.deepEqual(base64UrlDecode(encoded), bytes);
  });

  it('accepts plain base64 with padding, as OpenClaw does', () => {
    assert.deepEqual(base64UrlDecode('+/8='), new Uint8Array([0xfb, 0xff]));
  });
});
