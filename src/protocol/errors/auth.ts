/** @module protocol/errors/auth — error catalogue entries: authentication, device identity, pairing and the browser gate. */
import { CloseCode } from '../close-codes.js';
import { defineErrors } from './definition.js';

export const AUTH_ERRORS = defineErrors({
  // Authentication
  AUTH_TOKEN_MISSING: {
    wire: 'INVALID_REQUEST',
    message: 'unauthorized: gateway token missing (pass --token or set CLAWGATE_GATEWAY_TOKEN)',
    retryable: false,
    closeCode: CloseCode.POLICY_VIOLATION,
    recommendedNextStep: 'update_auth_configuration',
  },
  AUTH_TOKEN_MISMATCH: {
    wire: 'INVALID_REQUEST',
    message: 'unauthorized: gateway token mismatch',
    retryable: false,
    closeCode: CloseCode.POLICY_VIOLATION,
    recommendedNextStep: 'update_auth_credentials',
  },
  AUTH_PASSWORD_MISSING: {
    wire: 'INVALID_REQUEST',
    message: 'unauthorized: gateway password missing (pass --password or set CLAWGATE_GATEWAY_PASSWORD)',
    retryable: false,
    closeCode: CloseCode.POLICY_VIOLATION,
    recommendedNextStep: 'update_auth_configuration',
  },
  AUTH_PASSWORD_MISMATCH: {
    wire: 'INVALID_REQUEST',
    message: 'unauthorized: gateway password mismatch',
    retryable: false,
    closeCode: CloseCode.POLICY_VIOLATION,
    recommendedNextStep: 'update_auth_credentials',
  },
  AUTH_RATE_LIMITED: {
    wire: 'INVALID_REQUEST',
    message: 'unauthorized: too many failed authentication attempts (retry later)',
    retryable: true,
    closeCode: CloseCode.POLICY_VIOLATION,
    httpStatus: 429,
    recommendedNextStep: 'wait_then_retry',
  },
  AUTH_DEVICE_TOKEN_MISMATCH: {
    wire: 'INVALID_REQUEST',
    message: 'unauthorized: device token mismatch (re-pair this device with a new setup code: clawgate devices setup-code)',
    retryable: false,
    closeCode: CloseCode.POLICY_VIOLATION,
    recommendedNextStep: 'update_auth_credentials',
  },
  AUTH_SCOPE_MISMATCH: {
    wire: 'INVALID_REQUEST',
    message: 'unauthorized: requested scopes exceed what this device was approved for (approval requested: {requestId})',
    retryable: true,
    closeCode: CloseCode.POLICY_VIOLATION,
    recommendedNextStep: 'wait_then_retry',
  },
  AUTH_BOOTSTRAP_TOKEN_INVALID: {
    wire: 'INVALID_REQUEST',
    message: 'unauthorized: setup code invalid, expired or already used (create a new one: clawgate devices setup-code)',
    retryable: false,
    closeCode: CloseCode.POLICY_VIOLATION,
    recommendedNextStep: 'update_auth_credentials',
  },
  // Device identity (connect.params.device) and pairing
  DEVICE_IDENTITY_REQUIRED: {
    wire: 'NOT_PAIRED',
    message: 'device identity required: a device token or setup code is only accepted with a signed device block',
    retryable: false,
    closeCode: CloseCode.POLICY_VIOLATION,
    recommendedNextStep: 'review_auth_configuration',
  },
  DEVICE_AUTH_PUBLIC_KEY_INVALID: {
    wire: 'INVALID_REQUEST',
    message: 'device auth failed: public key is not a raw 32-byte Ed25519 key (base64url) or an Ed25519 PEM',
    retryable: false,
    closeCode: CloseCode.POLICY_VIOLATION,
    recommendedNextStep: 'review_auth_configuration',
  },
  DEVICE_AUTH_DEVICE_ID_MISMATCH: {
    wire: 'INVALID_REQUEST',
    message: 'device auth failed: device id is not the SHA-256 of its public key',
    retryable: false,
    closeCode: CloseCode.POLICY_VIOLATION,
    recommendedNextStep: 'review_auth_configuration',
  },
  DEVICE_AUTH_SIGNATURE_EXPIRED: {
    wire: 'INVALID_REQUEST',
    message: 'device auth failed: signedAt is more than {skewMs} ms away from the gateway clock (check the device clock)',
    retryable: true,
    closeCode: CloseCode.POLICY_VIOLATION,
    recommendedNextStep: 'wait_then_retry',
  },
  DEVICE_AUTH_NONCE_MISMATCH: {
    wire: 'INVALID_REQUEST',
    message: "device auth failed: nonce is not this connection's challenge nonce (sign the connect.challenge nonce)",
    retryable: true,
    closeCode: CloseCode.POLICY_VIOLATION,
    recommendedNextStep: 'wait_then_retry',
  },
  DEVICE_AUTH_SIGNATURE_INVALID: {
    wire: 'INVALID_REQUEST',
    message: 'device auth failed: signature does not verify (v3 or v2 payload)',
    retryable: false,
    closeCode: CloseCode.POLICY_VIOLATION,
    recommendedNextStep: 'review_auth_configuration',
  },
  PAIRING_REQUIRED: {
    wire: 'NOT_PAIRED',
    message: 'pairing required (approve on the gateway host: clawgate devices approve {requestId})',
    retryable: true,
    closeCode: CloseCode.POLICY_VIOLATION,
    recommendedNextStep: 'wait_then_retry',
  },
  DEVICE_ACCESS_CHANGED: {
    wire: 'NOT_PAIRED',
    message: 'device access changed: {change}',
    retryable: false,
    closeCode: CloseCode.POLICY_VIOLATION,
  },
  PAIRING_REQUEST_NOT_FOUND: { wire: 'INVALID_REQUEST', message: 'unknown or expired pairing request: {requestId}', retryable: false },
  DEVICE_NOT_FOUND: { wire: 'INVALID_REQUEST', message: 'unknown device: {deviceId}', retryable: false },
  DEVICE_NOT_OWN: {
    wire: 'FORBIDDEN',
    message: 'a paired-device session (device token or setup code) may only {action} its own device ({deviceId} is another device); use the gateway token or an operator.admin session',
    retryable: false,
    httpStatus: 403,
  },
  DEVICE_TOKEN_NOT_FOUND: { wire: 'INVALID_REQUEST', message: 'device {deviceId} has no live {role} token', retryable: false },
  DEVICE_SCOPES_NOT_APPROVED: {
    wire: 'INVALID_REQUEST',
    message: 'scopes {scopes} exceed what device {deviceId} is approved for; approve a pairing request first',
    retryable: false,
  },
  SETUP_CODE_URL_INVALID: {
    wire: 'INVALID_REQUEST',
    message: 'setup code url must be ws:// or wss:// host[:port] with no path or credentials (got {url})',
    retryable: false,
  },
  // Browser access (checked before the WebSocket upgrade; answered with HTTP 403)
  CONTROL_UI_ORIGIN_NOT_ALLOWED: {
    wire: 'FORBIDDEN',
    message:
      'origin not allowed: {origin}. Fix: open the Control UI from the gateway\'s own address, or add the origin to gateway.controlUi.allowedOrigins.',
    retryable: false,
    httpStatus: 403,
  },
  CONTROL_UI_HOST_NOT_ALLOWED: {
    wire: 'FORBIDDEN',
    message:
      'host not allowed: {host} (possible DNS rebinding). Fix: browse to the gateway as localhost/127.0.0.1 with its port, or add the name to gateway.controlUi.allowedHosts.',
    retryable: false,
    httpStatus: 403,
  },
  SHARED_SECRET_ROTATED: {
    wire: 'INVALID_REQUEST',
    message: 'the gateway secret was changed; reconnect with the new one',
    retryable: false,
    closeCode: CloseCode.POLICY_VIOLATION,
  },
});
