/**
 * @module client/node/device-identity — this machine's Ed25519 device key pair, and signing `connect`.
 *
 * Stored as JSON `{version, deviceId, publicKeyPem, privateKeyPem, createdAtMs}` (OpenClaw's older
 * identity file layout) with mode 0600; the id is re-derived from the key on load so a hand-edited id
 * cannot lie.
 */
import { createHash, generateKeyPairSync, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { base64UrlEncode, buildDeviceAuthPayload, type DeviceAuthFields, type DeviceProof } from '../../protocol/index.js';

/** Length of the DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it. */
const ED25519_SPKI_PREFIX_BYTES = 12;

export interface DeviceIdentity {
  deviceId: string;
  /** base64url raw public key, as sent in `connect.params.device.publicKey`. */
  publicKey: string;
  privateKey: KeyObject;
}

interface StoredIdentity {
  version: 1;
  deviceId: string;
  publicKeyPem: string;
  privateKeyPem: string;
  createdAtMs: number;
}

/** Creates a fresh identity in memory. */
export function createDeviceIdentity(): DeviceIdentity {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = rawPublicKeyFromObject(publicKey);
  return { deviceId: deviceIdFromRawPublicKey(raw), publicKey: base64UrlEncode(raw), privateKey };
}

/** Loads the identity at `path`, creating it (dir 0700, file 0600) on first use. */
export function loadOrCreateDeviceIdentity(path: string): DeviceIdentity {
  try {
    const stored = JSON.parse(readFileSync(path, 'utf8')) as StoredIdentity;
    const privateKey = createPrivateKey(stored.privateKeyPem);
    const raw = rawPublicKeyFromObject(createPublicKey(privateKey));
    return { deviceId: deviceIdFromRawPublicKey(raw), publicKey: base64UrlEncode(raw), privateKey };
  } catch (error) {
    if (!(typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT')) throw error;
  }
  const identity = createDeviceIdentity();
  const stored: StoredIdentity = {
    version: 1,
    deviceId: identity.deviceId,
    publicKeyPem: createPublicKey(identity.privateKey).export({ format: 'pem', type: 'spki' }).toString(),
    privateKeyPem: identity.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    createdAtMs: Date.now(),
  };
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return identity;
}

/** Signs the v3 payload for this connect and returns the `device` block. */
export function signDeviceProof(identity: DeviceIdentity, fields: Omit<DeviceAuthFields, 'deviceId'>): DeviceProof {
  const payload = buildDeviceAuthPayload('v3', { ...fields, deviceId: identity.deviceId });
  return {
    id: identity.deviceId,
    publicKey: identity.publicKey,
    signature: base64UrlEncode(sign(null, Buffer.from(payload, 'utf8'), identity.privateKey)),
    signedAt: fields.signedAtMs,
    nonce: fields.nonce,
  };
}

/** Raw 32-byte key from a KeyObject (the SPKI DER minus its 12-byte prefix). */
function rawPublicKeyFromObject(key: KeyObject): Uint8Array {
  return key.export({ format: 'der', type: 'spki' }).subarray(ED25519_SPKI_PREFIX_BYTES);
}

/** Device id: lowercase hex SHA-256 of the raw public key (as the gateway derives it). */
function deviceIdFromRawPublicKey(raw: Uint8Array): string {
  return createHash('sha256').update(raw).digest('hex');
}
