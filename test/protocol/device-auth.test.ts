/** The device-auth payload and signature, checked against a real OpenClaw 2026.9.6 node-host connect frame. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildDeviceAuthPayload,
  deviceIdFromRawPublicKey,
  rawPublicKeyFrom,
  signatureToken,
  verifyDeviceSignature,
} from '../../src/protocol/index.js';

/**
 * `connect` params from captures/openclaw-2026.9.6-node.jsonl (line 3; commands and pathEnv trimmed,
 * they are not signed), answering the challenge nonce 640108b1-… sent at ts 1795489501273.
 * `anchortok` was the capture's throwaway gateway token.
 */
export const CAPTURED_NODE_CONNECT = {
  challenge: { nonce: '640108b1-dbf8-4415-91af-3cab62690c9a', ts: 1795489501273 },
  params: {
    minProtocol: 4,
    maxProtocol: 4,
    client: {
      id: 'node-host',
      displayName: 'testnode',
      version: '2026.9.6',
      platform: 'linux',
      deviceFamily: 'Linux',
      mode: 'node',
      instanceId: '5dd95381-401a-40b3-9fcd-a0eaad40e736',
    },
    caps: ['browser', 'file', 'local-inference', 'mcp', 'system'],
    auth: { token: 'anchortok' },
    role: 'node',
    scopes: [] as string[],
    device: {
      id: '6cc85130533b986887b75e62e15d2fe8bf7cd135a09ba96511fe26aed0ea435e',
      publicKey: 'xevGAfzkGVhnkAXA9Z1ToDka4xzcTRhOPUo2M5cD-vQ',
      signature: 'ckak2pKmjjeRBArI27k1YEv6HBKbTgMa0vc6UtiSNi12NYPWNA9M1nfNVDTm9tdZzHHidYlAATv_HEfuZ7WxAg',
      signedAt: 1795489501273,
      nonce: '640108b1-dbf8-4415-91af-3cab62690c9a',
    },
  },
} as const;

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
