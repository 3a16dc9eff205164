/** @module cli/commands/nodes-format — resolving `--node <id|name>` and printing node tables. */
import type { NodeEntry, NodePendingSurface } from '../../protocol/index.js';
import { CliError, ExitCode } from '../exit-codes.js';

/**
 * Finds the node `query` names: an exact node id, else a unique display name (case-insensitive),
 * else a unique node-id prefix of at least 6 characters. Anything else is a clear error.
 */
export function matchNode<T extends { nodeId: string; displayName?: string | undefined }>(candidates: readonly T[], query: string): T {
  const exact = candidates.find((node) => node.nodeId === query);
  if (exact !== undefined) return exact;
  const lowered = query.toLowerCase();
  const byName = candidates.filter((node) => node.displayName?.toLowerCase() === lowered);
  if (byName.length === 1 && byName[0] !== undefined) return byName[0];
  const byPrefix = query.length >= 6 ? candidates.filter((node) => node.nodeId.startsWith(lowered)) : [];
  if (byName.length === 0 && byPrefix.length === 1 && byPrefix[0] !== undefined) return byPrefix[0];
  const ambiguous = byName.length > 1 ? byName : byPrefix;
  if (ambiguous.length > 1) {
    throw new CliError(`"${query}" matches ${ambiguous.length} nodes (${ambiguous.map((n) => shortId(n.nodeId)).join(', ')}); use the full node id`, ExitCode.USAGE);
  }
  throw new CliError(`no node matches "${query}" (see \`clawgate nodes list\`)`, ExitCode.FAILURE);
}

export function shortId(nodeId: string): string {
  return nodeId.length > 12 ? `${nodeId.slice(0, 12)}…` : nodeId;
}

/** A fixed-width table; the last column is not padded. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

export function formatNodeRows(nodes: readonly NodeEntry[]): string[] {
  if (nodes.length === 0) return ['No nodes.'];
  return formatTable(
    ['NODE', 'NAME', 'STATE', 'APPROVAL', 'PLATFORM', 'COMMANDS'],
    nodes.map((node) => [
      shortId(node.nodeId),
      node.displayName ?? '-',
      node.connected ? 'connected' : 'offline',
      node.approvalState,
      node.platform ?? '-',
      node.commands.join(', ') || '-',
    ]),
  );
}

export function formatPendingRows(pending: readonly NodePendingSurface[]): string[] {
  if (pending.length === 0) return ['No pending node approvals.'];
  return formatTable(
    ['REQUEST', 'NODE', 'NAME', 'NEEDS', 'COMMANDS'],
    pending.map((request) => [request.requestId, shortId(request.nodeId), request.displayName ?? '-', request.requiredApproveScopes.join('+'), request.commands.join(', ') || '-']),
  );
}

export function formatNodeDetail(node: NodeEntry): string[] {
  const lines = [
    `Node: ${node.nodeId}`,
    `Name: ${node.displayName ?? '-'}`,
    `State: ${node.connected ? 'connected' : 'offline'} · approval ${node.approvalState}${node.pendingRequestId !== undefined ? ` (request ${node.pendingRequestId})` : ''}`,
    `Client: ${node.clientId ?? '-'} ${node.version ?? ''} on ${node.platform ?? '-'}${node.deviceFamily !== undefined ? ` (${node.deviceFamily})` : ''}`,
  ];
  if (node.remoteIp !== undefined) lines.push(`Address: ${node.remoteIp}`);
  if (node.lastSeenAtMs !== undefined) lines.push(`Last seen: ${new Date(node.lastSeenAtMs).toISOString()} (${node.lastSeenReason ?? '-'})`);
  lines.push(`Caps: ${node.caps.join(', ') || '-'}`, `Commands: ${node.commands.join(', ') || '-'}`);
  return lines;
}
