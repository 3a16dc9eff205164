/**
 * @module cli/commands/chat — `clawgate chat [--session]`: an interactive terminal chat.
 *
 * Shows the session's recent history, then sends each line with `chat.send` and streams the reply
 * from `chat` events. Ctrl-C while a reply streams aborts that run (`chat.abort`); Ctrl-C at the
 * prompt (or Ctrl-D) leaves.
 */
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import type { ChatHistoryResult } from '../../protocol/index.js';
import type { CliContext } from '../context.js';
import { parseTimeoutMs, resolveCliTarget, withConnectionOptions, type ConnectionFlags } from '../connection-options.js';
import { createTurnPrinter, openAgentConnection, type AgentConnection } from './agent-stream.js';
import { formatMessage } from './sessions.js';

interface ChatFlags extends ConnectionFlags {
  session?: string;
}

const HISTORY_ON_START = 20;

export function registerChat(program: Command, getContext: (command: Command) => CliContext): void {
  withConnectionOptions(program.command('chat'))
    .description('interactive chat with the agent (Ctrl-C aborts a reply, Ctrl-D leaves)')
    .option('--session <key>', 'session key (default: main)', 'main')
    .action(async (flags: ChatFlags, command: Command) => {
      const context = getContext(command);
      const sessionKey = flags.session ?? 'main';
      const connection = await openAgentConnection(context, resolveCliTarget(context, flags), parseTimeoutMs(flags));
      try {
        const history = await connection.client.request<ChatHistoryResult>('chat.history', { sessionKey, limit: HISTORY_ON_START });
        for (const message of history.messages) context.stdout.write(`${formatMessage(message)}\n`);
        context.stdout.write(`— session ${sessionKey}; Ctrl-C aborts a reply, Ctrl-D leaves —\n`);
        await chatLoop(context, connection, sessionKey);
      } finally {
        connection.close();
      }
    });
}

async function chatLoop(context: CliContext, connection: AgentConnection, sessionKey: string): Promise<void> {
  const lines = createInterface({ input: process.stdin, terminal: process.stdin.isTTY === true, prompt: '> ' });
  let activeRun: { runId: string; done: Promise<void> } | undefined;
  let isClosed = false;
  const onInterrupt = (): void => {
    if (activeRun === undefined) {
      lines.close();
      return;
    }
    void connection.client.request('chat.abort', { sessionKey, runId: activeRun.runId }).catch(() => undefined);
  };
  // Ctrl-C on a terminal reaches readline as a key; a SIGINT from elsewhere (stdin piped, `kill -INT`)
  // reaches the process. Both abort the streaming reply instead of killing the chat mid-run.
  lines.on('SIGINT', onInterrupt);
  process.on('SIGINT', onInterrupt);
  lines.on('close', () => {
    isClosed = true;
    process.off('SIGINT', onInterrupt);
  });
  lines.prompt();
  for await (const line of lines) {
    const message = line.trim();
    if (message === '') {
      lines.prompt();
      continue;
    }
    const runId = randomUUID();
    const printer = createTurnPrinter(context.stdout, context.stderr);
    const done = new Promise<void>((resolve) => {
      printer.onEnd = (state, payload) => {
        if (state === 'error') context.stderr.write(`\n[error] ${String(payload['errorMessage'] ?? 'run failed')}`);
        if (state === 'aborted') context.stderr.write('\n[aborted]');
        if (state === 'final' && printer.printed === '') context.stdout.write(finalText(payload));
        resolve();
      };
    });
    const unwatch = connection.watch(runId, printer);
    activeRun = { runId, done };
    try {
      await connection.client.request('chat.send', { sessionKey, message, idempotencyKey: runId });
      await done;
    } catch (error) {
      context.stderr.write(`[error] ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      unwatch();
      activeRun = undefined;
    }
    context.stdout.write('\n');
    if (isClosed) break;
    lines.prompt();
  }
}

function finalText(payload: Record<string, unknown>): string {
  const message = payload['message'] as { content?: { text?: string }[] } | undefined;
  return (message?.content ?? []).map((block) => block.text ?? '').join('');
}
