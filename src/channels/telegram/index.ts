/** @module channels/telegram — the Telegram channel (grammY is loaded only when it is configured). */
export { TelegramChannel, DEFAULT_BOT_COMMANDS, type BotCommandSpec, type TelegramChannelOptions } from './telegram-channel.js';
export { TelegramIngressStore, TELEGRAM_INGRESS_SCHEMA_SQL, type StoredUpdate, type UpdateState } from './ingress-store.js';
export { resolveTelegramSettings, isTelegramConfigured, normalizeApiRoot, normalizeAllowList, type TelegramSettings } from './settings.js';
export { parseTelegramTarget, type TelegramTarget } from './targets.js';
export { PAIRING_APPROVED_MESSAGE, pairingReplyHtml } from './pairing-messages.js';
export { markdownToTelegramHtml, htmlToPlainText, escapeHtml } from './format.js';
