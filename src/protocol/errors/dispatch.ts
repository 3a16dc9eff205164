/** @module protocol/errors/dispatch — error catalogue entries: dispatch and the connection lifecycle. */
import { CloseCode } from '../close-codes.js';
import { defineErrors } from './definition.js';

export const DISPATCH_ERRORS = defineErrors({
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
});
