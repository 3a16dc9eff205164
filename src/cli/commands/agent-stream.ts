/**
 * @module cli/commands/agent-stream — one operator connection that sends agent turns and prints the
 * reply as `chat` deltas arrive; shared by `clawgate gateway agent` and `clawgate chat`.
 *
 * The connection asks for `operator.approvals` and advertises the `exec-approvals` cap, so an exec
 * approval the turn needs reaches this terminal: it prints the request with the command to decide
 * it (`clawgate exec-approvals allow|deny <id>`), from here or another terminal.
 */
import { GatewayClient, type GatewayClientOptions } from '../../client/index.js';
import type { EventFrame } from '../../protocol/index.js';
import type { ResolvedTarget } from '../../remote/index.js';
import type { CliContext, Output } from '../context.js';
import { describeCallFailure, prepareTarget } from '../connection-options.js';

export const AGENT_CLIENT_SCOPES = ['operator.read', 'operator.write', 'operator.approvals'];

export interface TurnPrinter {
  /** Called with each delta of the watched run. */
  onDelta(text: string): void;
  /** An exec approval request for the watched run. */
  onApproval(id: string, command: string, nodeId: string): void;
  /** The run's `chat` final, error or aborted event. */
  onEnd?(state: 'final' | 'error' | 'aborted', payload: Record<string, unknown>): void;
}

export interface AgentConnection {
  client: GatewayClient;
  /** Routes this run's events to `printer` until the returned function is called. */
  watch(runId: string, printer: TurnPrinter): () => void;
  close(): void;
}

/** Connects once; every `chat`/`exec.approval.requested` event is routed to the watcher of its run. */
export async function openAgentConnection(context: CliContext, target: ResolvedTarget, timeoutMs: number): Promise<AgentConnection> {
  const ready = await prepareTarget(context, target, timeoutMs);
  const watchers = new Map<string, TurnPrinter>();
  const onEvent = (event: EventFrame): void => {
    const payload = (event.payload ?? {}) as Record<string, unknown>;
    if (event.event === 'chat' && payload['state'] === 'delta') {
      watchers.get(String(payload['runId']))?.onDelta(String(payload['deltaText'] ?? ''));
    }
    if (event.event === 'chat' && (payload['state'] === 'final' || payload['state'] === 'error' || payload['state'] === 'aborted')) {
      watchers.get(String(payload['runId']))?.onEnd?.(payload['state'], payload);
    }
    if (event.event === 'exec.approval.requested') {
      const request = (payload['request'] ?? {}) as Record<string, unknown>;
      watchers.get(String(request['runId']))?.onApproval(String(payload['id']), String(request['command'] ?? ''), String(request['nodeId'] ?? ''));
    }
  };
  const options: GatewayClientOptions = {
    url: ready.url,
    token: ready.token,
    password: ready.password,
    tlsFingerprint: ready.tlsFingerprint,
    scopes: AGENT_CLIENT_SCOPES,
    connectTimeoutMs: timeoutMs,
    connectExtras: { caps: ['exec-approvals'] },
    keepalive: {},
    onEvent,
  };
  const client = new GatewayClient(options);
  try {
    await client.connect();
  } catch (error) {
    client.close();
    throw describeCallFailure(error, target);
  }
  return {
    client,
    watch(runId, printer) {
      watchers.set(runId, printer);
      return () => watchers.delete(runId);
    },
    close: () => client.close(),
  };
}

/** A printer that streams deltas to `out` and approval prompts to `err`. */
export function createTurnPrinter(out: Output, err: Output): TurnPrinter & { printed: string } {
  const printer = {
    printed: '',
    onDelta(text: string) {
      printer.printed += text;
      out.write(text);
    },
    onApproval(id: string, command: string, nodeId: string) {
      err.write(`\n[exec approval needed] ${command} on node ${nodeId.slice(0, 12)}\n  approve: clawgate exec-approvals allow ${id}\n  always:  clawgate exec-approvals allow ${id} --always\n  deny:    clawgate exec-approvals deny ${id}\n`);
    },
  };
  return printer;
}
