/**
 * @module channels/telegram/pairing-messages — the texts of the DM pairing flow (A8 steps 3 and 6).
 *
 * The code and the approve command sit in `<pre><code>` blocks so a phone can copy them (C7 #52761).
 */
import { escapeHtml } from './format.js';

/** The one reply an unknown sender gets when a new pairing request is created. */
export function pairingReplyHtml(senderId: string, code: string): string {
  return [
    'Clawgate: access not configured.',
    '',
    `Your Telegram user id: <code>${escapeHtml(senderId)}</code>`,
    'Pairing code (valid for 1 hour):',
    `<pre><code>${escapeHtml(code)}</code></pre>`,
    'Ask the bot owner to approve it with:',
    `<pre><code>clawgate pairing approve telegram ${escapeHtml(code)}</code></pre>`,
  ].join('\n');
}

/** Sent on `pairing approve --notify` (OpenClaw's PAIRING_APPROVED_MESSAGE). */
export const PAIRING_APPROVED_MESSAGE = '✅ Clawgate access approved. Send a message to start chatting.';
