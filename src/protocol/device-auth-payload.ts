/**
 * @module protocol/device-auth-payload — the string a device signs, and the base64url the keys travel in.
 *
 * Wire-compatible with OpenClaw: keys and signatures travel as base64url without padding; the
 * signature covers a `|`-joined payload (v3 preferred, v2 accepted):
 *   v2|deviceId|clientId|clientMode|role|scopes(comma-joined)|signedAtMs|token|nonce
 *   v3|…v2 fields…|platform|deviceFamily   (the last two trimmed and ASCII-lowercased)
 * `token` is the first present of auth.token, auth.deviceToken, auth.bootstrapToken, else "".
 * Pure and browser-safe (no `node:` module, bytes as Uint8Array): the Ed25519 signer lives in
 * client/node/device-identity.ts and the verifier in gateway/pairing/device-signature.ts.
 */

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

/** base64url without padding (RFC 4648 §5), as OpenClaw sends keys, signatures and setup codes. */
export function base64UrlEncode(bytes: Uint8Array): string {
  let binary = '';
  // Chunked so a large input never overflows String.fromCharCode's argument limit.
  for (let offset = 0; offset < bytes.length; offset += 0x8000) binary += String.fromCharCode(...bytes.subarray(offset, offset + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes base64url (or plain base64, which OpenClaw also accepts); throws on characters outside both alphabets. */
export function base64UrlDecode(text: string): Uint8Array {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** UTF-8 text as base64url (setup codes). */
export function utf8ToBase64Url(text: string): string {
  return base64UrlEncode(new TextEncoder().encode(text));
}

/** base64url as UTF-8 text; throws when the bytes are not valid base64 or UTF-8. */
export function base64UrlToUtf8(text: string): string {
  return new TextDecoder('utf-8', { fatal: true }).decode(base64UrlDecode(text));
}
