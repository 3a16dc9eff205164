/** @module protocol/close-codes — WebSocket close codes the gateway uses (RFC 6455 §7.4 plus OpenClaw's 4000). */

export const CloseCode = {
  /** Normal closure. */
  NORMAL: 1000,
  /** Server going away (shutdown) — clients should reconnect later. */
  GOING_AWAY: 1001,
  /** Protocol mismatch (OpenClaw closes version mismatches with 1002). */
  PROTOCOL_ERROR: 1002,
  /** Binary frame on a text-only protocol (RFC 6455: unacceptable data type). */
  UNSUPPORTED_DATA: 1003,
  /** Policy violation: bad handshake, unauthorized, handshake timeout, slow consumer. */
  POLICY_VIOLATION: 1008,
  /** Frame larger than the allowed payload. */
  MESSAGE_TOO_BIG: 1009,
  /** Server restarting. */
  SERVICE_RESTART: 1012,
  /** Server overloaded; try again later (too many connections). */
  TRY_AGAIN_LATER: 1013,
  /** Client watchdog: no tick for 2 × tickIntervalMs. */
  TICK_TIMEOUT: 4000,
} as const;

export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];
