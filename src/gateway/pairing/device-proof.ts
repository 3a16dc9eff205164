/**
 * @module gateway/pairing/device-proof — checks the signed `connect.params.device` block.
 *
 * Steps in OpenClaw's order (connect-device-proof.ts), each a guard with its own detail code:
 * public key decodes → id is SHA-256 of the key → signedAt within ±2 min of the gateway clock →
 * nonce is this connection's challenge nonce → signature verifies over the v3 payload, else v2.
 * A valid proof shows the client holds the key right now, on this socket; it grants nothing alone.
 */
import {
  GatewayError,
  base64UrlEncode,
  buildDeviceAuthPayload,
  signatureToken,
  type ConnectParams,
  type DeviceAuthVersion,
  type DeviceProof,
} from '../../protocol/index.js';
import { deviceIdFromRawPublicKey, rawPublicKeyFrom, verifyDeviceSignature } from './device-signature.js';

/** Allowed distance between `device.signedAt` and the gateway clock (OpenClaw DEVICE_SIGNATURE_SKEW_MS). */
export const DEVICE_SIGNATURE_SKEW_MS = 2 * 60 * 1000;

export interface VerifiedDevice {
  deviceId: string;
  /** Raw Ed25519 public key, base64url (normalized even when the client sent PEM). */
  publicKey: string;
  /** Which payload version the signature covered. */
  version: DeviceAuthVersion;
}

export interface DeviceProofContext {
  /** The nonce this connection sent in `connect.challenge`. */
  challengeNonce: string;
  nowMs: number;
  skewMs?: number;
}

/** Verifies `params.device` for `role`; returns the proven identity or throws a DEVICE_AUTH_* error. */
export function verifyDeviceProof(params: ConnectParams, device: DeviceProof, role: string, context: DeviceProofContext): VerifiedDevice {
  const rawKey = rawPublicKeyFrom(device.publicKey);
  if (rawKey === undefined) throw new GatewayError('DEVICE_AUTH_PUBLIC_KEY_INVALID', { reason: 'device-public-key' });
  const deviceId = deviceIdFromRawPublicKey(rawKey);
  if (deviceId !== device.id.toLowerCase()) throw new GatewayError('DEVICE_AUTH_DEVICE_ID_MISMATCH', { reason: 'device-id-mismatch' });
  const skewMs = context.skewMs ?? DEVICE_SIGNATURE_SKEW_MS;
  if (Math.abs(context.nowMs - device.signedAt) > skewMs) {
    throw new GatewayError('DEVICE_AUTH_SIGNATURE_EXPIRED', { reason: 'device-signature-stale', skewMs });
  }
  if (device.nonce !== context.challengeNonce) throw new GatewayError('DEVICE_AUTH_NONCE_MISMATCH', { reason: 'device-nonce-mismatch' });
  const fields = {
    deviceId: device.id,
    clientId: params.client.id,
    clientMode: params.client.mode,
    role,
    scopes: params.scopes ?? [],
    signedAtMs: device.signedAt,
    token: signatureToken(params.auth),
    nonce: device.nonce,
    platform: params.client.platform,
    deviceFamily: params.client.deviceFamily,
  };
  for (const version of ['v3', 'v2'] as const) {
    if (verifyDeviceSignature(rawKey, buildDeviceAuthPayload(version, fields), device.signature)) {
      return { deviceId, publicKey: base64UrlEncode(rawKey), version };
    }
  }
  throw new GatewayError('DEVICE_AUTH_SIGNATURE_INVALID', { reason: 'device-signature' });
}
