/**
 * @module channels/telegram/targets — the `to` grammar of `send` for Telegram.
 *
 * `123`, `telegram:123`, `tg:123`, `-1001234567890`, and a forum topic as `-100123:topic:5`
 * (or `-100123:5`). Usernames cannot be resolved by a bot, so `@name` is refused with the reason.
 */
import { GatewayError } from '../../protocol/index.js';

export interface TelegramTarget {
  chatId: string;
  threadId?: string;
}

/** Parses a target or throws CHANNEL_TARGET_INVALID. */
export function parseTelegramTarget(to: string): TelegramTarget {
  const raw = to.trim().replace(/^(telegram|tg):/i, '');
  const match = /^(-?\d+)(?::(?:topic:)?(\d+))?$/.exec(raw);
  if (match === null) {
    const reason = raw.startsWith('@') ? 'a bot cannot look up @usernames; use the numeric chat id (it is shown in the pairing reply)' : 'expected a numeric chat id, optionally with :topic:<id>';
    throw new GatewayError('CHANNEL_TARGET_INVALID', { channel: 'telegram', to, reason });
  }
  return match[2] === undefined ? { chatId: match[1]! } : { chatId: match[1]!, threadId: match[2] };
}
