/** @module protocol/errors/client — error catalogue entries: raised by clawgate's own client and CLI (never sent by the gateway). */
import { defineErrors } from './definition.js';

export const CLIENT_ERRORS = defineErrors({
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
  RESULT_SCHEMA_MISMATCH: {
    wire: 'UNAVAILABLE',
    message: 'the gateway answered {method} with a {part} that breaks its contract: {reason}',
    retryable: false,
  },
});
