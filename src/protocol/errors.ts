/**
 * @module protocol/errors — the one error catalogue.
 *
 * Every failure the gateway reports has an entry here: our UPPER_SNAKE detail code (sent as
 * `error.details.code`), the wire code from OpenClaw's closed set (`error.code`), a message template,
 * whether retrying can help, and the close code or HTTP status where one applies.
 * docs/errors.md documents the same list; test/protocol/errors.test.ts keeps the two in step.
 * Retired codes are never reused.
 */
import { CloseCode, type CloseCodeValue } from './close-codes.js';

/** OpenClaw's closed set of top-level `error.code` values. */
export type WireErrorCode =
  | 'INVALID_REQUEST'
  | 'FORBIDDEN'
  | 'UNAVAILABLE'
  | 'NOT_PAIRED'
  | 'NOT_LINKED'
  | 'AGENT_TIMEOUT'
  | 'APPROVAL_NOT_FOUND';

export interface ErrorDefinition {
  readonly wire: WireErrorCode;
  /** Message template; `{name}` is replaced by the matching detail value. */
  readonly message: string;
  readonly retryable: boolean;
  /** Close code when this error ends the connection. */
  readonly closeCode?: CloseCodeValue;
  readonly httpStatus?: number;
  /** OpenClaw's `details.recommendedNextStep` for connect failures. */
  readonly recommendedNextStep?: string;
}

function define<const T extends Record<string, ErrorDefinition>>(table: T): T {
  return table;
}

export const ERROR_CATALOGUE = define({
  // Framing
  INVALID_FRAME: { wire: 'INVALID_REQUEST', message: 'invalid frame: {reason}', retryable: false },
  BINARY_FRAME_UNSUPPORTED: {
    wire: 'INVALID_REQUEST',
    message: 'binary frames are not supported; send JSON text frames',
    retryable: false,
    closeCode: CloseCode.UNSUPPORTED_DATA,
  },
  PAYLOAD_TOO_LARGE: {
    wire: 'INVALID_REQUEST',
    message: 'frame of {sizeBytes} bytes exceeds the limit of {limitBytes} bytes',
    retryable: false,
    closeCode: CloseCode.MESSAGE_TOO_BIG,
  },
  // Handshake
  FIRST_FRAME_NOT_CONNECT: {
    wire: 'INVALID_REQUEST',
    message: 'invalid handshake: first request must be connect',
    retryable: false,
    closeCode: CloseCode.POLICY_VIOLATION,
  },
  CONNECT_PARAMS_INVALID: {
    wire: 'INVALID_REQUEST',
    message: 'invalid connect params: {reason}',
    retryable: false,
    closeCode: CloseCode.POLICY_VIOLATION,
  },
  ALREADY_CONNECTED: { wire: 'INVALID_REQUEST', message: 'connect already completed on this socket', retryable: false },
  PROTOCOL_MISMATCH: {
    wire: 'INVALID_REQUEST',
    message: 'protocol mismatch',
    retryable: false,
    closeCode: CloseCode.PROTOCOL_ERROR,
  },
  INVALID_ROLE: {
    wire: 'INVALID_REQUEST',
    message: 'invalid role: {role}',
    retryable: false,
    closeCode: CloseCode.POLICY_VIOLATION,
  },
  HANDSHAKE_TIMEOUT: {
    wire: 'INVALID_REQUEST',
    message: 'handshake timeout: connect not completed within {timeoutMs} ms',
    retryable: true,
    closeCode: CloseCode.POLICY_VIOLATION,
  },
  TOO_MANY_CONNECTIONS: {
    wire: 'UNAVAILABLE',
    message: 'too many connections; try again later',
    retryable: true,
    closeCode: CloseCode.TRY_AGAIN_LATER,
    httpStatus: 503,
  },
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
    message: 'a device-token session may only {action} its own device ({deviceId} is another device); use the gateway token or an operator.admin session',
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
  // Dispatch
  UNKNOWN_METHOD: { wire: 'INVALID_REQUEST', message: 'unknown method: {method}', retryable: false },
  INVALID_PARAMS: { wire: 'INVALID_REQUEST', message: 'invalid {method} params: {reason}', retryable: false },
  MISSING_SCOPE: { wire: 'FORBIDDEN', message: 'missing scope: {missingScope}', retryable: false, httpStatus: 403 },
  ROLE_NOT_ALLOWED: { wire: 'FORBIDDEN', message: 'unauthorized role: {role}', retryable: false, httpStatus: 403 },
  INTERNAL_ERROR: {
    wire: 'UNAVAILABLE',
    message: 'internal error while handling {method} (request {requestId}); see the gateway log',
    retryable: true,
    httpStatus: 500,
  },
  // Lifecycle
  SLOW_CONSUMER: {
    wire: 'UNAVAILABLE',
    message: 'slow consumer: send buffer exceeded {limitBytes} bytes',
    retryable: true,
    closeCode: CloseCode.POLICY_VIOLATION,
  },
  SHUTTING_DOWN: {
    wire: 'UNAVAILABLE',
    message: 'gateway is shutting down',
    retryable: true,
    closeCode: CloseCode.GOING_AWAY,
    httpStatus: 503,
  },
  // Nodes (node.* methods)
  NODE_NOT_FOUND: { wire: 'INVALID_REQUEST', message: 'unknown node: {nodeId}', retryable: false },
  NOT_CONNECTED: { wire: 'UNAVAILABLE', message: 'node not connected', retryable: true },
  NODE_COMMAND_NOT_DECLARED: {
    wire: 'INVALID_REQUEST',
    message: 'node command not allowed: {command} is not declared by node {nodeId}',
    retryable: false,
  },
  NODE_COMMAND_NOT_APPROVED: {
    wire: 'INVALID_REQUEST',
    message: 'node command not allowed: {command} is not in the approved command surface of node {nodeId} (see `clawgate nodes pending`)',
    retryable: false,
  },
  NODE_COMMAND_DENIED: {
    wire: 'INVALID_REQUEST',
    message: 'node command not allowed: {command} is blocked by gateway policy ({reason})',
    retryable: false,
  },
  NODE_INVOKE_TIMEOUT: { wire: 'UNAVAILABLE', message: 'node {nodeId} did not answer {command} within {timeoutMs} ms', retryable: true },
  NODE_INVOKE_FAILED: { wire: 'UNAVAILABLE', message: 'node {command} failed: {nodeMessage}', retryable: false },
  NODE_ID_MISMATCH: { wire: 'INVALID_REQUEST', message: 'nodeId mismatch: this connection is node {callerNodeId}', retryable: false },
  IDEMPOTENCY_KEY_CONFLICT: {
    wire: 'INVALID_REQUEST',
    message: 'idempotencyKey {idempotencyKey} was already used for a different node or command',
    retryable: false,
  },
  NODE_PAIR_REQUEST_NOT_FOUND: { wire: 'INVALID_REQUEST', message: 'unknown node pairing request: {requestId}', retryable: false },
  // Node host (sent by clawgate's node host as the `error` of node.invoke.result; the gateway relays them)
  NODE_HOST_UNKNOWN_COMMAND: { wire: 'INVALID_REQUEST', message: 'this node does not implement {command}', retryable: false },
  NODE_HOST_INVALID_PARAMS: { wire: 'INVALID_REQUEST', message: 'invalid {command} params: {reason}', retryable: false },
  SYSTEM_RUN_DENIED: {
    wire: 'FORBIDDEN',
    message: 'exec denied by this node: {executable} is not allowed (on the node host run `clawgate approvals allow {executable}`)',
    retryable: false,
  },
  SYSTEM_RUN_FAILED: { wire: 'UNAVAILABLE', message: 'could not start {executable}: {reason}', retryable: false },
  // Client side (never sent by the gateway; raised by clawgate's client and CLI)
  REQUEST_TIMEOUT: { wire: 'UNAVAILABLE', message: 'gateway timeout after {timeoutMs}ms', retryable: true },
  CONNECTION_CLOSED: {
    wire: 'UNAVAILABLE',
    message: 'gateway closed ({closeCode}): {closeReason}',
    retryable: true,
  },
  CONNECTION_FAILED: { wire: 'UNAVAILABLE', message: 'cannot reach gateway at {url}: {reason}', retryable: true },
  URL_OVERRIDE_REQUIRES_CREDENTIALS: {
    wire: 'INVALID_REQUEST',
    message:
      'gateway url override requires explicit credentials. Fix: pass --token or --password with --url (config and environment credentials are never sent to an explicit --url).',
    retryable: false,
  },
  REMOTE_URL_MISSING: {
    wire: 'INVALID_REQUEST',
    message:
      'gateway remote mode misconfigured: gateway.remote.url missing. Fix: set gateway.remote.url, or set gateway.mode to "local".',
    retryable: false,
  },
  // Configuration (startup)
  CONFIG_INVALID: { wire: 'INVALID_REQUEST', message: 'invalid config {path}: {reason}', retryable: false },
  BIND_REQUIRES_AUTH: {
    wire: 'INVALID_REQUEST',
    message:
      'Refusing to bind gateway to {bind} without auth. Fix: set gateway.auth.token (or run with --token) or set gateway.auth.password (or --password), or keep gateway.bind "loopback".',
    retryable: false,
  },
  AUTH_NONE_REQUIRES_LOOPBACK: {
    wire: 'INVALID_REQUEST',
    message: 'auth mode "none" is only allowed on a loopback bind (got {bind}). Fix: use --auth token, or --bind loopback.',
    retryable: false,
  },
  AUTH_SECRET_MISSING: {
    wire: 'INVALID_REQUEST',
    message: 'auth mode "{mode}" needs a {mode}. Fix: pass --{mode}, set gateway.auth.{mode}, or set CLAWGATE_GATEWAY_{upperMode}.',
    retryable: false,
  },
  PORT_IN_USE: {
    wire: 'UNAVAILABLE',
    message: 'port {port} on {host} is already in use. Fix: stop the other process or pick another port with --port.',
    retryable: false,
  },
  STATE_STORE_FAILED: { wire: 'UNAVAILABLE', message: 'state store {path} failed: {reason}', retryable: false },
  // Remote access: bind, TLS, SSH tunnel, Tailscale (startup and client side)
  CUSTOM_BIND_HOST_INVALID: {
    wire: 'INVALID_REQUEST',
    message: 'gateway.customBindHost "{host}" is not a dotted IPv4 address. Fix: set an address such as 192.168.1.10, or use gateway.bind "lan".',
    retryable: false,
  },
  TLS_SETUP_FAILED: {
    wire: 'UNAVAILABLE',
    message: 'TLS setup failed: {reason}. Fix: {fix}',
    retryable: false,
  },
  TLS_FINGERPRINT_INVALID: {
    wire: 'INVALID_REQUEST',
    message: 'TLS fingerprint "{fingerprint}" is not a SHA-256 fingerprint. Fix: give 64 hex characters (colons and a "sha256:" prefix are accepted).',
    retryable: false,
  },
  TLS_PIN_REQUIRES_WSS: {
    wire: 'INVALID_REQUEST',
    message: 'a TLS fingerprint pin needs a wss:// URL (got {url}). Fix: use wss://, or drop --tls-fingerprint.',
    retryable: false,
  },
  TLS_FINGERPRINT_MISMATCH: {
    wire: 'UNAVAILABLE',
    message:
      'gateway tls fingerprint mismatch: expected sha256:{expected}, server presented sha256:{actual}. Nothing was sent. Fix: if the gateway certificate was regenerated on purpose, update gateway.remote.tlsFingerprint (or --tls-fingerprint); otherwise something is intercepting the connection.',
    retryable: false,
  },
  INSECURE_WS_REFUSED: {
    wire: 'INVALID_REQUEST',
    message:
      'refusing plaintext ws:// to the public address {host}: the token would cross the network unencrypted. Fix: use wss:// (gateway.tls), an SSH tunnel (gateway.remote.ssh, `clawgate tunnel up`), or Tailscale Serve; to override for a network you trust, set CLAWGATE_ALLOW_INSECURE_WS=1.',
    retryable: false,
  },
  SSH_TARGET_INVALID: {
    wire: 'INVALID_REQUEST',
    message: 'invalid ssh target "{target}": {reason}. Fix: use user@host or user@host:port.',
    retryable: false,
  },
  SSH_TUNNEL_FAILED: {
    wire: 'UNAVAILABLE',
    message: 'ssh tunnel to {target} failed: {reason}',
    retryable: true,
  },
  TUNNEL_NOT_CONFIGURED: {
    wire: 'INVALID_REQUEST',
    message: 'no ssh tunnel configured. Fix: set gateway.remote.ssh.target (e.g. "me@gateway-host"), or pass --ssh user@host.',
    retryable: false,
  },
  TAILSCALE_FUNNEL_REQUIRES_PASSWORD: {
    wire: 'INVALID_REQUEST',
    message:
      'Refusing to start Tailscale Funnel without password auth: Funnel puts the gateway on the public internet. Fix: set gateway.auth.mode "password" with gateway.auth.password (or --auth password --password …), or use gateway.tailscale.mode "serve".',
    retryable: false,
  },
  TAILSCALE_FAILED: {
    wire: 'UNAVAILABLE',
    message: 'tailscale {mode} failed: {reason}. Fix: check `tailscale status`, that this node may use {mode}, and that the tailscale CLI is on PATH.',
    retryable: false,
  },
  DUPLICATE_METHOD: { wire: 'UNAVAILABLE', message: 'method {method} registered twice', retryable: false },
  SCHEMA_BUILD_FAILED: { wire: 'UNAVAILABLE', message: 'schema for {method} failed to compile: {reason}', retryable: false },
});

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** The wire shape of an error (`ErrorShape` in OpenClaw's protocol schema). */
export interface ErrorShape {
  code: string;
  message: string;
  details?: Record<string, unknown>;
  retryable?: boolean;
  retryAfterMs?: number;
}

function renderTemplate(template: string, values: Record<string, unknown>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = values[name];
    return value === undefined ? whole : String(value);
  });
}

/** The only error type Clawgate throws on purpose; everything else is treated as internal. */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly definition: ErrorDefinition;
  readonly details: Record<string, unknown>;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, details: Record<string, unknown> = {}, options: { retryAfterMs?: number } = {}) {
    const definition: ErrorDefinition = ERROR_CATALOGUE[code];
    super(renderTemplate(definition.message, details));
    this.name = 'GatewayError';
    this.code = code;
    this.definition = definition;
    this.details = details;
    this.retryAfterMs = options.retryAfterMs;
  }

  get closeCode(): CloseCodeValue | undefined {
    return this.definition.closeCode;
  }

  /** The wire `ErrorShape`: catalogue code in `details.code`, OpenClaw's code in `code`. */
  toErrorShape(): ErrorShape {
    const details: Record<string, unknown> = { ...this.details, code: this.code };
    if (this.definition.recommendedNextStep !== undefined) {
      details['recommendedNextStep'] = this.definition.recommendedNextStep;
    }
    const shape: ErrorShape = {
      code: this.definition.wire,
      message: this.message,
      details,
      retryable: this.definition.retryable,
    };
    if (this.retryAfterMs !== undefined) shape.retryAfterMs = this.retryAfterMs;
    return shape;
  }
}

export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError;
}
