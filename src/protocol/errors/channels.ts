/** @module protocol/errors/channels — error catalogue entries: messaging channels (Telegram), channel pairing, send. */
import { defineErrors } from './definition.js';

export const CHANNELS_ERRORS = defineErrors({
  TELEGRAM_TOKEN_MISSING: {
    wire: 'INVALID_REQUEST',
    message: 'channels.telegram is enabled but has no bot token. Fix: set channels.telegram.botToken or channels.telegram.tokenFile, or export TELEGRAM_BOT_TOKEN.',
    retryable: false,
  },
  TELEGRAM_TOKEN_FILE_INVALID: { wire: 'INVALID_REQUEST', message: 'channels.telegram.tokenFile {path}: {reason}', retryable: false },
  TELEGRAM_CONFIG_INVALID: { wire: 'INVALID_REQUEST', message: 'channels.telegram: {reason}', retryable: false },
  CHANNEL_UNSUPPORTED: { wire: 'INVALID_REQUEST', message: 'unsupported channel: {channel}', retryable: false },
  CHANNEL_REQUIRED: { wire: 'INVALID_REQUEST', message: 'Channel is required (no configured channels detected). Fix: pass channel, or configure channels.telegram.', retryable: false },
  CHANNEL_TARGET_INVALID: { wire: 'INVALID_REQUEST', message: 'invalid {channel} target "{to}": {reason}', retryable: false },
  CHANNEL_SEND_FAILED: { wire: 'UNAVAILABLE', message: '{channel} send failed: {reason}', retryable: false },
  SEND_TEXT_REQUIRED: { wire: 'INVALID_REQUEST', message: 'invalid send params: text or media is required', retryable: false },
  CHANNEL_PAIRING_NOT_FOUND: {
    wire: 'INVALID_REQUEST',
    message: 'no pending {channel} pairing request matches {what}. Fix: `clawgate pairing list {channel}` shows pending codes (they expire after 1 hour).',
    retryable: false,
  },
});
