/**
 * @module cli/commands/logs — `clawgate logs [--follow] [--level <lvl>] [--json]`: the gateway's own
 * log over the `logs.tail` RPC (so it works for a remote gateway too), pretty and colored on a TTY.
 *
 * `--follow` polls with the byte cursor `logs.tail` returns; a `reset` (the file was rotated) is said
 * on stderr and reading goes on from the new file's start. Ctrl-C ends it with exit 0.
 */
import type { Command } from 'commander';
import { logsTail, type LogsTailParams, type LogsTailResult } from '../../protocol/index.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { callTarget, parseTimeoutMs, resolveCliTarget, withConnectionOptions, type ConnectionFlags } from '../connection-options.js';
import { formatLogLine, isAtLeast, LOG_LEVELS, type LogLevelName } from '../log-format.js';
import { createPaint } from '../style.js';
import { closestKey } from '../../config/index.js';

interface LogsFlags extends ConnectionFlags {
  follow?: boolean;
  level?: string;
  limit?: string;
  interval?: string;
}

const LEVEL_NAMES = Object.keys(LOG_LEVELS) as LogLevelName[];

export function registerLogs(program: Command, getContext: (command: Command) => CliContext): void {
  withConnectionOptions(program.command('logs'))
    .description("show the gateway's log (redacted) over RPC; --follow keeps reading")
    .option('-f, --follow', 'keep printing new lines until Ctrl-C', false)
    .option('--level <level>', `only lines at or above: ${LEVEL_NAMES.join('|')}`)
    .option('--limit <n>', 'how many recent lines to start with (1-5000)', '200')
    .option('--interval <ms>', 'poll interval with --follow', '1000')
    .action(async (flags: LogsFlags, command: Command) => {
      const context = getContext(command);
      const minLevel = parseLevel(flags.level);
      const limit = parseBounded(flags.limit ?? '200', '--limit', 1, 5000);
      const intervalMs = parseBounded(flags.interval ?? '1000', '--interval', 100, 60_000);
      const target = resolveCliTarget(context, flags);
      const timeoutMs = parseTimeoutMs(flags);
      const paint = createPaint(context.stdout, context.env);
      const print = (lines: readonly string[]): void => {
        for (const line of lines) {
          if (line === '' || !isAtLeast(line, minLevel)) continue;
          context.stdout.write(`${flags.json === true ? line : formatLogLine(line, paint)}\n`);
        }
      };
      const tail = async (params: LogsTailParams): Promise<LogsTailResult> => (await callTarget(target, logsTail, params, { timeoutMs, context })).payload;

      let result = await tail({ limit });
      print(result.lines);
      if (flags.follow !== true) return;
      let isStopped = false;
      const stop = (): void => {
        isStopped = true;
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        while (!isStopped) {
          await new Promise((resolve) => setTimeout(resolve, intervalMs));
          if (isStopped) break;
          result = await tail({ cursor: result.cursor });
          if (result.reset === true) context.stderr.write('clawgate: the log was rotated; reading the new file from its start\n');
          print(result.lines);
        }
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}

function parseLevel(text: string | undefined): number {
  if (text === undefined) return 0;
  const name = text.toLowerCase();
  if ((LEVEL_NAMES as string[]).includes(name)) return LOG_LEVELS[name as LogLevelName];
  const suggestion = closestKey(name, LEVEL_NAMES);
  throw new CliError(`--level must be one of ${LEVEL_NAMES.join(', ')} (got "${text}")${suggestion === undefined ? '' : `; did you mean ${suggestion}?`}`, ExitCode.USAGE);
}

function parseBounded(text: string, flag: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new CliError(`${flag} must be a whole number from ${min} to ${max} (got "${text}")`, ExitCode.USAGE);
  return value;
}
