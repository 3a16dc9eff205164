/** @module cli/commands/sessions — `clawgate sessions list|history|reset|delete` over the sessions.* and chat.history RPCs. */
import type { Command } from 'commander';
import { chatHistoryContract, sessionsDeleteContract, sessionsListContract, sessionsResetContract, type ChatHistoryParams } from '../../protocol/index.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { callTarget, parseTimeoutMs, resolveCliTarget, withConnectionOptions, type ConnectionFlags } from '../connection-options.js';
import { printJson, printLines } from '../output.js';

interface SessionFlags extends ConnectionFlags {
  limit?: string;
  cursor?: string;
}

export function registerSessions(program: Command, getContext: (command: Command) => CliContext): void {
  const sessions = program.command('sessions').description('agent sessions and their transcripts');

  withConnectionOptions(sessions.command('list'))
    .description('sessions, most recent first')
    .option('--limit <n>', 'how many', '50')
    .action(async (flags: SessionFlags, command: Command) => {
      const context = getContext(command);
      const { payload } = await callTarget(resolveCliTarget(context, flags), sessionsListContract, { limit: parseLimit(flags.limit) }, { timeoutMs: parseTimeoutMs(flags), context });
      if (flags.json === true) return printJson(context.stdout, payload);
      if (payload.sessions.length === 0) return printLines(context.stdout, ['No sessions yet.']);
      printLines(context.stdout, [
        `Sessions: ${payload.totalCount}`,
        ...payload.sessions.map((s) => `${s.key}  ${new Date(s.updatedAt).toISOString()}  tokens ${s.totalTokens}${s.hasActiveRun ? '  (running)' : ''}`),
      ]);
    });

  withConnectionOptions(sessions.command('history [key]'))
    .description('a session\'s transcript (default: main), newest last')
    .option('--limit <n>', 'messages per page', '50')
    .option('--cursor <cursor>', 'page further back (the cursor printed by the previous page)')
    .action(async (key: string | undefined, flags: SessionFlags, command: Command) => {
      const context = getContext(command);
      const params: ChatHistoryParams = { sessionKey: key ?? 'main', limit: parseLimit(flags.limit) };
      if (flags.cursor !== undefined) params.cursor = flags.cursor;
      const { payload } = await callTarget(resolveCliTarget(context, flags), chatHistoryContract, params, { timeoutMs: parseTimeoutMs(flags), context });
      if (flags.json === true) return printJson(context.stdout, payload);
      const lines = payload.messages.map(formatMessage);
      if (payload.nextCursor !== undefined) lines.unshift(`(older messages: --cursor ${payload.nextCursor})`);
      printLines(context.stdout, lines.length === 0 ? ['No messages.'] : lines);
    });

  withConnectionOptions(sessions.command('reset <key>'))
    .description('start a fresh transcript for a session (needs operator.admin)')
    .action(async (key: string, flags: SessionFlags, command: Command) => {
      const context = getContext(command);
      const { payload } = await callTarget(resolveCliTarget(context, flags), sessionsResetContract, { key }, { timeoutMs: parseTimeoutMs(flags), context });
      if (flags.json === true) return printJson(context.stdout, payload);
      printLines(context.stdout, [`Reset ${payload.key} (new session ${payload.sessionId})`]);
    });

  withConnectionOptions(sessions.command('delete <key>'))
    .description('delete a session and its transcript (needs operator.admin)')
    .action(async (key: string, flags: SessionFlags, command: Command) => {
      const context = getContext(command);
      const { payload } = await callTarget(resolveCliTarget(context, flags), sessionsDeleteContract, { key }, { timeoutMs: parseTimeoutMs(flags), context });
      if (flags.json === true) return printJson(context.stdout, payload);
      printLines(context.stdout, [payload.deleted ? `Deleted ${payload.key}` : `No session ${payload.key}`]);
    });
}

function parseLimit(raw: string | undefined): number {
  const limit = Number(raw ?? '50');
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new CliError(`--limit must be 1–1000 (got "${raw}")`, ExitCode.USAGE);
  return limit;
}

/** `user: …`, `assistant: …`, `tool exec → …` lines. */
export function formatMessage(message: Record<string, unknown>): string {
  const role = String(message['role']);
  const content = message['content'];
  if (typeof content === 'string') return `${role}: ${content}`;
  const blocks = Array.isArray(content) ? (content as Record<string, unknown>[]) : [];
  const text = blocks
    .map((block) => (block['type'] === 'toolCall' ? `[calls ${String(block['name'])} ${JSON.stringify(block['arguments'])}]` : String(block['text'] ?? '')))
    .join(' ');
  return role === 'toolResult' ? `tool ${String(message['toolName'])} → ${text}` : `${role}: ${text}`;
}
