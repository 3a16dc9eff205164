/**
 * @module channels/telegram/access — may this message start a turn? One clear reason when not.
 *
 * DMs (A7): `disabled` drops; an id in `allowFrom` (or approved by pairing) is let in; `open` needs
 * `"*"`; under `pairing` an unknown sender gets a code and nothing else; under `allowlist` an
 * unknown sender is dropped. Groups: the group must be allowed (`groups.<chatId>`, `"*"`, or
 * `groupPolicy: open`) AND the sender must be allowed (the group's `allowFrom`, else
 * `groupAllowFrom`, else `allowFrom`; never DM pairing approvals), AND by default the bot must be
 * mentioned (`@bot`, a reply to the bot, or a command addressed to it). Every "no" carries a reason
 * in plain words, because "the bot ignores the group" was the top group complaint (C6).
 */
import type { TelegramSettings } from './settings.js';

export interface MessageFacts {
  chatId: string;
  chatType: 'private' | 'group' | 'supergroup' | 'channel';
  senderId: string;
  threadId?: string;
  text: string;
  entities: readonly { type: string; offset: number; length: number }[];
  isReplyToBot: boolean;
}

export type AccessDecision = { kind: 'admit' } | { kind: 'pairing' } | { kind: 'drop'; reason: string };

/** Decides for one message. `isPaired` says whether DM pairing approved the sender. */
export function decideAccess(settings: TelegramSettings, facts: MessageFacts, isPaired: (senderId: string) => boolean, botUsername: string): AccessDecision {
  if (facts.chatType === 'channel') return { kind: 'drop', reason: 'channel posts are not handled' };
  if (facts.chatType === 'private') return decideDirect(settings, facts, isPaired);
  return decideGroup(settings, facts, botUsername);
}

function decideDirect(settings: TelegramSettings, facts: MessageFacts, isPaired: (senderId: string) => boolean): AccessDecision {
  const { dmPolicy, allowFrom } = settings;
  if (dmPolicy === 'disabled') return { kind: 'drop', reason: 'DMs are disabled (channels.telegram.dmPolicy "disabled")' };
  if (dmPolicy === 'open' && allowFrom.has('*')) return { kind: 'admit' };
  if (allowFrom.has(facts.senderId) || isPaired(facts.senderId)) return { kind: 'admit' };
  if (dmPolicy === 'pairing') return { kind: 'pairing' };
  return { kind: 'drop', reason: `sender ${facts.senderId} is not in channels.telegram.allowFrom` };
}

function decideGroup(settings: TelegramSettings, facts: MessageFacts, botUsername: string): AccessDecision {
  const rule = settings.groups.get(facts.chatId) ?? settings.groups.get('*');
  const policy = rule?.groupPolicy ?? settings.groupPolicy;
  if (policy === 'disabled') return { kind: 'drop', reason: `groups are disabled for chat ${facts.chatId} (groupPolicy "disabled")` };
  if (rule?.enabled === false) return { kind: 'drop', reason: `group ${facts.chatId} is disabled in channels.telegram.groups` };
  if (rule === undefined && policy !== 'open') {
    return { kind: 'drop', reason: `group ${facts.chatId} is not in channels.telegram.groups (add it, or set groupPolicy "open")` };
  }
  const topic = facts.threadId === undefined ? undefined : rule?.topics.get(facts.threadId);
  if (topic?.enabled === false) return { kind: 'drop', reason: `topic ${facts.threadId} of group ${facts.chatId} is disabled` };
  const senders = topic?.allowFrom ?? rule?.allowFrom ?? settings.groupAllowFrom;
  if (policy !== 'open' && !senders.has('*') && !senders.has(facts.senderId)) {
    return { kind: 'drop', reason: `sender ${facts.senderId} is not allowed in group ${facts.chatId} (channels.telegram.groupAllowFrom, else allowFrom)` };
  }
  const requireMention = topic?.requireMention ?? rule?.requireMention ?? true;
  if (requireMention && !isMentioned(facts, botUsername)) {
    return { kind: 'drop', reason: `not addressed to the bot in group ${facts.chatId} (mention @${botUsername}, reply to it, or set requireMention false)` };
  }
  return { kind: 'admit' };
}

/** A native @mention, a reply to the bot, or a command addressed to it (`/status@bot`). */
export function isMentioned(facts: MessageFacts, botUsername: string): boolean {
  if (facts.isReplyToBot) return true;
  const handle = `@${botUsername.toLowerCase()}`;
  for (const entity of facts.entities) {
    const slice = facts.text.slice(entity.offset, entity.offset + entity.length).toLowerCase();
    if (entity.type === 'mention' && slice === handle) return true;
    if (entity.type === 'bot_command' && slice.endsWith(handle)) return true;
  }
  return facts.text.toLowerCase().includes(handle);
}

/** The text the agent sees: the bot's own @handle removed (`/status@bot` → `/status`). */
export function stripBotMention(text: string, botUsername: string): string {
  const pattern = new RegExp(`@${botUsername.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'gi');
  return text.replace(pattern, '').replace(/\s{2,}/g, ' ').trim();
}
