/**
 * @module protocol/device-auth — device identity on the wire: ids, key encoding, the signed payload.
 *
 * Wire-compatible with OpenClaw: the device id is the lowercase hex SHA-256 of the raw 32-byte Ed25519
 * public key; keys and signatures travel as base64url without padding; the signature covers a
 * `|`-joined payload (v3 preferred, v2 accepted):
 *   v2|deviceId|clientId|clientMode|role|scopes(comma-joined)|signedAtMs|token|nonce
 *   v3|…v2 fields…|platform|deviceFamily   (the last two trimmed and ASCII-lowercased)
 * `token` is the first present of auth.token, auth.deviceToken, auth.bootstrapToken, else "".
 * Pure: crypto primitives only, no I/O. test/protocol/device-auth.test.ts checks a real OpenClaw frame.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export type DeviceAuthVersion = 'v2' | 'v3';

export interface DeviceAuthFields {
  deviceId: string;
  clientId: string;
  clientMode: string;
  role: string;
  scopes: readonly string[];
  signedAtMs: number;
  token: string;
  nonce: string;
  platform?: string | undefined;
  deviceFamily?: string | undefined;
}

/** Builds the exact string a device signs. */
export function buildDeviceAuthPayload(version: DeviceAuthVersion, fields: DeviceAuthFields): string {
  const base = [
    version,
    fields.deviceId,
    fields.clientId,
    fields.clientMode,
    fields.role,
    fields.scopes.join(','),
    String(fields.signedAtMs),
    fields.token,
    fields.nonce,
  ];
  if (version === 'v2') return base.join('|');
  return [...base, normalizeMetadata(fields.platform), normalizeMetadata(fields.deviceFamily)].join('|');
}

/** Trim and lowercase ASCII letters only (OpenClaw's normalization for platform/deviceFamily). */
function normalizeMetadata(value: string | undefined): string {
  return (value ?? '').trim().replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** The token a signature is bound to: the first present of token, deviceToken, bootstrapToken. */
export function signatureToken(auth: { token?: string | undefined; deviceToken?: string | undefined; bootstrapToken?: string | undefined } | undefined): string {
  return auth?.token || auth?.deviceToken || auth?.bootstrapToken || '';
}

export function base64UrlEncode(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** Decodes base64url (or plain base64, which OpenClaw also accepts). */
export function base64UrlDecode(text: string): Buffer {
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/** Raw 32-byte public key from a base64url string or a PEM; undefined when it is not an Ed25519 key. */
export function rawPublicKeyFrom(publicKey: string): Buffer | undefined {
  try {
    if (publicKey.includes('BEGIN PUBLIC KEY')) {
      const der = createPublicKey(publicKey).export({ format: 'der', type: 'spki' });
      return der.subarray(0, ED25519_SPKI_PREFIX.length).equals(ED25519_SPKI_PREFIX) ? der.subarray(ED25519_SPKI_PREFIX.length) : undefined;
    }
    const raw = base64UrlDecode(publicKey);
    return raw.length === 32 ? raw : undefined;
  } catch {
    return undefined;
  }
}

/** Node KeyObject for a raw 32-byte Ed25519 public key. */
export function publicKeyObjectFromRaw(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(raw)]), format: 'der', type: 'spki' });
}

/** Raw 32-byte key from a KeyObject (the SPKI DER minus its 12-byte prefix). */
export function rawPublicKeyFromObject(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' }).subarray(ED25519_SPKI_PREFIX.length);
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
