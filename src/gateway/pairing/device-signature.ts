/**
 * @module gateway/pairing/device-signature — Ed25519 device keys: ids, key parsing, signature checks.
 *
 * Wire-compatible with OpenClaw: the device id is the lowercase hex SHA-256 of the raw 32-byte Ed25519
 * public key; the signature covers protocol/device-auth-payload.ts's string. Node crypto only, no I/O.
 * test/gateway/pairing/device-signature.test.ts checks a real OpenClaw frame.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { base64UrlDecode } from '../../protocol/index.js';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Raw 32-byte public key from a base64url string or a PEM; undefined when it is not an Ed25519 key. */
export function rawPublicKeyFrom(publicKey: string): Buffer | undefined {
  try {
    if (publicKey.includes('BEGIN PUBLIC KEY')) {
      const der = createPublicKey(publicKey).export({ format: 'der', type: 'spki' });
      return der.subarray(0, ED25519_SPKI_PREFIX.length).equals(ED25519_SPKI_PREFIX) ? der.subarray(ED25519_SPKI_PREFIX.length) : undefined;
    }
    const raw = Buffer.from(base64UrlDecode(publicKey));
    return raw.length === 32 ? raw : undefined;
  } catch {
    return undefined;
  }
}

/** Node KeyObject for a raw 32-byte Ed25519 public key. */
export function publicKeyObjectFromRaw(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(raw)]), format: 'der', type: 'spki' });
}

/** Device id: lowercase hex SHA-256 of the raw public key. */
export function deviceIdFromRawPublicKey(raw: Uint8Array): string {
  return createHash('sha256').update(raw).digest('hex');
}

/** True when `signature` (base64url) is a valid Ed25519 signature of `payload` by `rawPublicKey`. */
export function verifyDeviceSignature(rawPublicKey: Uint8Array, payload: string, signature: string): boolean {
  try {
    return verify(null, Buffer.from(payload, 'utf8'), publicKeyObjectFromRaw(rawPublicKey), base64UrlDecode(signature));
  } catch {
    return false;
  }
}
