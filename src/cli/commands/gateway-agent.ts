/**
 * @module cli/commands/gateway-agent — `clawgate gateway agent --message …`: one agent turn, streamed.
 *
 * The reply is printed as it arrives (`chat` deltas of the run); the exit code is the run's status:
 * 0 ok, 1 error or aborted. `--json` prints only the final `agent` response.
 */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { GatewayRequestError } from '../../client/index.js';
import type { AgentResult } from '../../protocol/index.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { describeCallFailure, parseTimeoutMs, resolveCliTarget, withConnectionOptions, type ConnectionFlags } from '../connection-options.js';
import { printJson } from '../output.js';
import { createTurnPrinter, openAgentConnection } from './agent-stream.js';

interface AgentFlags extends ConnectionFlags {
  message?: string;
  session?: string;
  sessionKey?: string;
  agent?: string;
  timeoutSeconds?: string;
  idempotencyKey?: string;
}

/** Agent turns wait for the model: the default call budget is an hour, not the usual 10 s. */
const DEFAULT_AGENT_TIMEOUT_MS = 3_600_000;

export function registerGatewayAgent(gateway: Command, getContext: (command: Command) => CliContext): void {
  withConnectionOptions(gateway.command('agent'))
    .description('run one agent turn and stream the reply (the `agent` RPC); exits non-zero when the run fails')
    .requiredOption('--message <text>', 'what to ask the agent')
    .option('--session <key>', 'session key (default: main)')
    .option('--session-key <key>', 'alias of --session')
    .option('--agent <id>', 'agent id (default: main)')
    .option('--timeout-seconds <s>', 'agent run budget in seconds')
    .option('--idempotency-key <key>', 'run id / dedupe key (default: a random UUID)')
    .action(async (flags: AgentFlags, command: Command) => {
      const context = getContext(command);
      const runId = flags.idempotencyKey ?? randomUUID();
      const params: Record<string, unknown> = { message: flags.message, idempotencyKey: runId };
      const session = flags.session ?? flags.sessionKey;
      if (session !== undefined) params['sessionKey'] = session;
      if (flags.agent !== undefined) params['agentId'] = flags.agent;
      if (flags.timeoutSeconds !== undefined) {
        const seconds = Number(flags.timeoutSeconds);
        if (!Number.isInteger(seconds) || seconds < 1) throw new CliError(`--timeout-seconds must be a positive whole number (got "${flags.timeoutSeconds}")`, ExitCode.USAGE);
        params['timeout'] = seconds;
      }
      const timeoutMs = flags.timeout === undefined ? DEFAULT_AGENT_TIMEOUT_MS : parseTimeoutMs(flags);
      const target = resolveCliTarget(context, flags);
      const connection = await openAgentConnection(context, target, Math.min(timeoutMs, 30_000));
      const printer = createTurnPrinter(flags.json === true ? { write: () => true } : context.stdout, context.stderr);
      const unwatch = connection.watch(runId, printer);
      let result: AgentResult;
      try {
        result = await connection.client.request<AgentResult>('agent', params, { timeoutMs, expectFinal: true });
      } catch (error) {
        if (error instanceof GatewayRequestError) throw new CliError(`agent failed: ${error.message} [${error.detailCode}]`, ExitCode.FAILURE);
        throw describeCallFailure(error, target);
      } finally {
        unwatch();
        connection.close();
      }
      if (flags.json === true) printJson(context.stdout, result);
      else printOutcome(context, result, printer.printed);
      if (result.status !== 'ok') throw new CliError(`agent run ${result.status === 'timeout' ? 'aborted' : 'failed'} (${result.summary ?? result.status})`, ExitCode.FAILURE);
    });
}

/** Ends the streamed text; prints the final text when no delta arrived, and the error of a failed run. */
function printOutcome(context: CliContext, result: AgentResult, printed: string): void {
  const payloads = payloadsOf(result);
  if (printed === '') {
    const text = payloads.filter((p) => p.isError !== true).map((p) => p.text).join('\n');
    if (text !== '') context.stdout.write(text);
  }
  context.stdout.write('\n');
  for (const payload of payloads.filter((p) => p.isError === true)) context.stderr.write(`${payload.text}\n`);
}

/** `result.payloads` of a final `agent` response (the field is open in the contract). */
function payloadsOf(result: AgentResult): { text: string; isError?: boolean }[] {
  const inner: unknown = result.result;
  const payloads: unknown = typeof inner === 'object' && inner !== null ? (inner as { payloads?: unknown }).payloads : undefined;
  if (!Array.isArray(payloads)) return [];
  return payloads.flatMap((p: unknown) => (typeof p === 'object' && p !== null && typeof (p as { text?: unknown }).text === 'string' ? [{ text: (p as { text: string }).text, isError: (p as { isError?: unknown }).isError === true }] : []));
}
