/**
 * @module channels/session-routing — which agent session an inbound conversation belongs to.
 *
 * OpenClaw's keys (reference A9, agent-chat §5.3): DMs follow `session.dmScope` (default `main`, so a
 * Telegram DM shares `agent:<id>:main` with the Control UI home chat); groups get
 * `agent:<id>:<channel>:group:<chatId>` and forum topics append `:topic:<threadId>`.
 */
import type { ConversationRef, InboundSender } from './channel.js';

export const DM_SCOPES = ['main', 'per-peer', 'per-channel-peer', 'per-account-channel-peer'] as const;
export type DmScope = (typeof DM_SCOPES)[number];

export interface SessionRoute {
  agentId: string;
  dmScope: DmScope;
}

/** The canonical session key for a conversation. Peer ids are lowercased, as in OpenClaw. */
export function sessionKeyFor(
  route: SessionRoute,
  target: { channel: string; accountId: string; conversation: ConversationRef; sender: InboundSender },
): string {
  const { agentId } = route;
  const { channel, accountId, conversation } = target;
  if (conversation.kind === 'group') {
    const base = `agent:${agentId}:${channel}:group:${conversation.chatId}`;
    return conversation.threadId === undefined ? base : `${base}:topic:${conversation.threadId}`;
  }
  const peer = target.sender.id.toLowerCase();
  switch (route.dmScope) {
    case 'main':
      return `agent:${agentId}:main`;
    case 'per-peer':
      return `agent:${agentId}:direct:${peer}`;
    case 'per-channel-peer':
      return `agent:${agentId}:${channel}:direct:${peer}`;
    case 'per-account-channel-peer':
      return `agent:${agentId}:${channel}:${accountId}:direct:${peer}`;
  }
}
