/**
 * @module agent/session-keys — OpenClaw's session-key canonicalization (`toAgentStoreSessionKey`).
 *
 * Empty or `main` → `agent:<agentId>:main`; `agent:<id>:<rest>` is kept as is; any other bare key
 * `k` → `agent:<agentId>:k`. Channel peers and groups build their keys with `peerSessionKey`.
 */

/** The agent id when none is configured or requested (OpenClaw's default agent). */
export const DEFAULT_AGENT_ID = 'main';

/** Canonical store key for `key` in `agentId`'s namespace. */
export function canonicalSessionKey(key: string | undefined, agentId: string = DEFAULT_AGENT_ID): string {
  const trimmed = (key ?? '').trim();
  if (trimmed === '' || trimmed.toLowerCase() === 'main') return `agent:${agentId}:main`;
  if (/^agent:[^:]+:.+/.test(trimmed)) return trimmed;
  return `agent:${agentId}:${trimmed}`;
}

/** The agent id a canonical key belongs to. */
export function agentIdOfKey(canonicalKey: string): string {
  return canonicalKey.split(':')[1] ?? DEFAULT_AGENT_ID;
}

/**
 * A channel peer's or group's key (`session.dmScope: per-channel-peer`, `groupScope: per-group`):
 * `agent:<id>:<channel>:direct:<peer>` or `agent:<id>:<channel>:group:<groupId>`. Peer ids are lowercased.
 */
export function peerSessionKey(options: { agentId?: string; channel: string; kind: 'direct' | 'group' | 'channel'; peerId: string; threadId?: string }): string {
  const agentId = options.agentId ?? DEFAULT_AGENT_ID;
  const peer = options.kind === 'direct' ? options.peerId.toLowerCase() : options.peerId;
  const base = `agent:${agentId}:${options.channel}:${options.kind}:${peer}`;
  return options.threadId === undefined ? base : `${base}:thread:${options.threadId}`;
}
