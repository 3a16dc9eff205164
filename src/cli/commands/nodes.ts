/**
 * @module cli/commands/nodes — `clawgate nodes list|status|pending|approve|reject|remove|describe|rename|invoke`.
 *
 * Each subcommand is one or two RPCs (`node.list`, `node.pair.*`, `node.invoke`) with the narrowest
 * scopes that method needs; `--node` takes a node id, a display name, or a unique id prefix.
 */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import JSON5 from 'json5';
import { nodeDescribe, nodeInvoke, nodeList, nodePairApprove, nodePairList, nodePairReject, nodePairRemove, nodeRename, type NodeEntry } from '../../protocol/index.js';
import type { ResolvedTarget } from '../../remote/index.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { callTarget, parseTimeoutMs, resolveCliTarget, withConnectionOptions, type ConnectionFlags } from '../connection-options.js';
import { printJson, printLines } from '../output.js';
import { formatNodeDetail, formatNodeRows, formatPendingRows, matchNode, shortId } from './nodes-format.js';

interface NodeFlags extends ConnectionFlags {
  node?: string;
  name?: string;
  command?: string;
  params?: string;
  idempotencyKey?: string;
}

type GetContext = (command: Command) => CliContext;

export function registerNodes(program: Command, getContext: GetContext): void {
  const nodes = program.command('nodes').description('list, approve and invoke nodes connected to the gateway');

  withConnectionOptions(nodes.command('list'))
    .description('known nodes and how many wait for approval')
    .action(async (flags: NodeFlags, command: Command) => {
      const { context, target, timeoutMs } = setup(command, flags, getContext);
      const pairing = await callTarget(target, nodePairList, {}, { timeoutMs, context });
      const list = await listNodes(context, target, timeoutMs);
      if (flags.json === true) return printJson(context.stdout, { pending: pairing.payload.pending, nodes: list });
      printLines(context.stdout, [`Pending: ${pairing.payload.pending.length} · Paired: ${pairing.payload.paired.length}`, ...formatNodeRows(list)]);
    });

  withConnectionOptions(nodes.command('status'))
    .description('every known node in detail')
    .action(async (flags: NodeFlags, command: Command) => {
      const { context, target, timeoutMs } = setup(command, flags, getContext);
      const list = await listNodes(context, target, timeoutMs);
      if (flags.json === true) return printJson(context.stdout, list);
      const connected = list.filter((node) => node.connected).length;
      const details = list.flatMap((node) => ['', ...formatNodeDetail(node)]);
      printLines(context.stdout, [`Nodes: ${list.length} known · ${connected} connected`, ...details]);
    });

  withConnectionOptions(nodes.command('pending'))
    .description('command surfaces waiting for approval')
    .action(async (flags: NodeFlags, command: Command) => {
      const { context, target, timeoutMs } = setup(command, flags, getContext);
      const { payload } = await callTarget(target, nodePairList, {}, { timeoutMs, context });
      if (flags.json === true) return printJson(context.stdout, payload.pending);
      printLines(context.stdout, formatPendingRows(payload.pending));
    });

  withConnectionOptions(nodes.command('approve <request>'))
    .description('approve a pending command surface (request id, node id or node name)')
    .action(async (request: string, flags: NodeFlags, command: Command) => {
      const { context, target, timeoutMs } = setup(command, flags, getContext);
      const requestId = await resolveRequestId(context, target, request, timeoutMs);
      const { payload } = await callTarget(target, nodePairApprove, { requestId }, { timeoutMs, context });
      if (flags.json === true) return printJson(context.stdout, payload);
      printLines(context.stdout, [`Approved node ${payload.node.displayName ?? shortId(payload.node.nodeId)} (${payload.node.nodeId})`, `Commands: ${payload.node.commands.join(', ') || '-'}`]);
    });

  withConnectionOptions(nodes.command('reject <request>'))
    .description('reject a pending command surface (request id, node id or node name)')
    .action(async (request: string, flags: NodeFlags, command: Command) => {
      const { context, target, timeoutMs } = setup(command, flags, getContext);
      const requestId = await resolveRequestId(context, target, request, timeoutMs);
      const { payload } = await callTarget(target, nodePairReject, { requestId }, { timeoutMs, context });
      if (flags.json === true) return printJson(context.stdout, payload);
      printLines(context.stdout, [`Rejected request ${payload.requestId} of node ${payload.nodeId}`]);
    });

  withNodeOption(withConnectionOptions(nodes.command('remove')))
    .description("forget a node's approved command surface")
    .action(async (flags: NodeFlags, command: Command) => {
      const { context, target, timeoutMs } = setup(command, flags, getContext);
      const node = await resolveNode(context, target, flags, timeoutMs);
      const { payload } = await callTarget(target, nodePairRemove, { nodeId: node.nodeId }, { timeoutMs, context });
      if (flags.json === true) return printJson(context.stdout, payload);
      printLines(context.stdout, [payload.removed ? `Removed node ${payload.nodeId}` : `Node ${payload.nodeId} had nothing approved`]);
    });

  withNodeOption(withConnectionOptions(nodes.command('describe')))
    .description('one node in detail')
    .action(async (flags: NodeFlags, command: Command) => {
      const { context, target, timeoutMs } = setup(command, flags, getContext);
      const node = await resolveNode(context, target, flags, timeoutMs);
      const { payload } = await callTarget(target, nodeDescribe, { nodeId: node.nodeId }, { timeoutMs, context });
      if (flags.json === true) return printJson(context.stdout, payload.node);
      printLines(context.stdout, formatNodeDetail(payload.node));
    });

  withNodeOption(withConnectionOptions(nodes.command('rename')))
    .description('set the display name of an approved node')
    .requiredOption('--name <displayName>', 'new display name')
    .action(async (flags: NodeFlags, command: Command) => {
      const { context, target, timeoutMs } = setup(command, flags, getContext);
      const node = await resolveNode(context, target, flags, timeoutMs);
      const { payload } = await callTarget(target, nodeRename, { nodeId: node.nodeId, displayName: flags.name ?? '' }, { timeoutMs, context });
      if (flags.json === true) return printJson(context.stdout, payload);
      printLines(context.stdout, [`Renamed node ${payload.nodeId} to "${payload.displayName}"`]);
    });

  withNodeOption(withConnectionOptions(nodes.command('invoke')))
    .description('run one command on a node (--timeout bounds the node too)')
    .requiredOption('--command <command>', 'node command, e.g. system.which')
    .option('--params <json>', 'command params as JSON (JSON5 accepted)', '{}')
    .option('--idempotency-key <key>', 'retry-safe key (default: a fresh UUID)')
    .action(async (flags: NodeFlags, command: Command) => {
      const { context, target, timeoutMs } = setup(command, flags, getContext);
      const params = parseParams(flags.params ?? '{}');
      const node = await resolveNode(context, target, flags, timeoutMs);
      const invokeParams = { nodeId: node.nodeId, command: flags.command ?? '', params, timeoutMs, idempotencyKey: flags.idempotencyKey ?? randomUUID() };
      // The gateway's own timeout answer must arrive before the client gives up.
      const { payload } = await callTarget(target, nodeInvoke, invokeParams, { timeoutMs: timeoutMs + 5000, context });
      if (flags.json === true) return printJson(context.stdout, payload);
      printLines(context.stdout, [JSON.stringify(payload.payload, null, 2)]);
    });
}

function withNodeOption(command: Command): Command {
  return command.requiredOption('--node <id|name>', 'node id, display name, or unique id prefix');
}

function setup(command: Command, flags: NodeFlags, getContext: GetContext): { context: CliContext; target: ResolvedTarget; timeoutMs: number } {
  const context = getContext(command);
  return { context, target: resolveCliTarget(context, flags), timeoutMs: parseTimeoutMs(flags) };
}

async function listNodes(context: CliContext, target: ResolvedTarget, timeoutMs: number): Promise<NodeEntry[]> {
  const { payload } = await callTarget(target, nodeList, {}, { timeoutMs, context });
  return payload.nodes;
}

async function resolveNode(context: CliContext, target: ResolvedTarget, flags: NodeFlags, timeoutMs: number): Promise<NodeEntry> {
  if (flags.node === undefined || flags.node.trim() === '') throw new CliError('--node is required', ExitCode.USAGE);
  return matchNode(await listNodes(context, target, timeoutMs), flags.node.trim());
}

/** A request id as given, or the pending request of the node `query` names. */
async function resolveRequestId(context: CliContext, target: ResolvedTarget, query: string, timeoutMs: number): Promise<string> {
  const { payload } = await callTarget(target, nodePairList, {}, { timeoutMs, context });
  if (payload.pending.some((request) => request.requestId === query)) return query;
  try {
    return matchNode(payload.pending, query).requestId;
  } catch (error) {
    if (error instanceof CliError && error.exitCode === ExitCode.FAILURE) {
      throw new CliError(`no pending node approval matches "${query}" (see \`clawgate nodes pending\`)`, ExitCode.FAILURE);
    }
    throw error;
  }
}

function parseParams(text: string): unknown {
  try {
    return JSON5.parse(text);
  } catch (error) {
    throw new CliError(`--params is not valid JSON: ${error instanceof Error ? error.message.replace(/^JSON5: /, '') : 'unparseable'}`, ExitCode.USAGE);
  }
}
