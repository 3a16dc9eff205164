/** @module protocol/errors/framing — error catalogue entries: framing and the handshake: malformed frames, wrong first frame, protocol range. */
import { CloseCode } from '../close-codes.js';
import { defineErrors } from './definition.js';

export const FRAMING_ERRORS = defineErrors({
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
});
