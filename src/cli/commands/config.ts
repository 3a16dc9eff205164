/**
 * @module cli/commands/config — `clawgate config get|set|unset|file`: edit clawgate.json from the
 * terminal with start-up's strictness (exact paths, did-you-mean, every problem at once), secrets
 * redacted on output, atomic writes (config/edit.ts). Works on the local file; no gateway needed.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import JSON5 from 'json5';
import { buildConfigSchema, getAt, parseConfigValue, redactConfig, resolveConfigPath, secretPathsOf, serializeConfig, setAt, unsetAt, writeFileAtomic } from '../../config/index.js';
import { GatewayError } from '../../protocol/index.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { printJson, printLines } from '../output.js';
import { loadFeatureSections } from '../feature-sections.js';

type GetContext = (command: Command) => CliContext;

export function registerConfig(program: Command, getContext: GetContext): void {
  const config = program.command('config').description('read and change clawgate.json (validated like at start-up)');

  config
    .command('get [path]')
    .description('print the config, or the value at a dotted path (secrets redacted)')
    .option('--json', 'print JSON', false)
    .action(async (path: string | undefined, flags: { json?: boolean }, command: Command) => {
      const context = getContext(command);
      const sections = await loadFeatureSections();
      const current = readRawConfig(context);
      const redacted = redactConfig(current, secretPathsOf(buildConfigSchema({ sections })));
      const value = path === undefined ? redacted : withCodes(() => getAt(redacted, resolveConfigPath(path, sections).segments));
      if (value === undefined) throw new CliError(`${path ?? ''} is not set in ${context.paths.configPath} (the default applies)`, ExitCode.FAILURE);
      if (flags.json === true || typeof value === 'object') return printJson(context.stdout, value);
      printLines(context.stdout, [String(value)]);
    });

  config
    .command('set <path> <value>')
    .description('set a value (JSON5 for numbers, booleans, lists; text as is for string keys)')
    .action(async (path: string, text: string, _flags: unknown, command: Command) => {
      const context = getContext(command);
      const sections = await loadFeatureSections();
      const next = withCodes(() => setAt(readRawConfig(context), path, parseConfigValue(path, text, sections), context.paths.configPath, sections));
      writeConfig(context, next);
      const shown = getAt(redactConfig(next, secretPathsOf(buildConfigSchema({ sections }))), path.split('.'));
      printLines(context.stdout, [`Set ${path} = ${JSON.stringify(shown)} in ${context.paths.configPath}`, RESTART_HINT]);
    });

  config
    .command('unset <path>')
    .description('remove a value (its default applies again)')
    .action(async (path: string, _flags: unknown, command: Command) => {
      const context = getContext(command);
      const sections = await loadFeatureSections();
      const { config: next, removed } = withCodes(() => unsetAt(readRawConfig(context), path, sections));
      if (!removed) {
        printLines(context.stdout, [`${path} was not set; nothing changed`]);
        return;
      }
      writeConfig(context, next);
      printLines(context.stdout, [`Unset ${path} in ${context.paths.configPath}`, RESTART_HINT]);
    });

  config
    .command('file')
    .description('print the path of the config file in use')
    .action((_flags: unknown, command: Command) => {
      const context = getContext(command);
      printLines(context.stdout, [`${context.paths.configPath}${existsSync(context.paths.configPath) ? '' : ' (not created yet)'}`]);
    });
}

const RESTART_HINT = 'A running gateway applies it live where it can (token, password, browser origins) and logs what needs a restart (`clawgate logs`; `clawgate gateway restart` for the service).';

/** The file as parsed JSON5, before validation (so `set` can repair an invalid file). */
function readRawConfig(context: CliContext): Record<string, unknown> {
  const path = context.paths.configPath;
  if (!existsSync(path)) return {};
  let parsed: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    parsed = text.trim() === '' ? {} : JSON5.parse(text);
  } catch (error) {
    const reason = error instanceof SyntaxError ? `syntax error: ${error.message.replace(/^JSON5: /, '')}` : 'cannot read file';
    throw new CliError(new GatewayError('CONFIG_INVALID', { path, reason }).message, ExitCode.CONFIG);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CliError(new GatewayError('CONFIG_INVALID', { path, reason: 'root: must be an object' }).message, ExitCode.CONFIG);
  }
  return parsed as Record<string, unknown>;
}

function writeConfig(context: CliContext, config: Record<string, unknown>): void {
  mkdirSync(dirname(context.paths.configPath), { recursive: true, mode: 0o700 });
  withCodes(() => writeFileAtomic(context.paths.configPath, serializeConfig(config)));
}

/** Runs `work`, turning catalogue errors into CLI errors: path typos are usage (2), the rest config (78). */
function withCodes<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof GatewayError) {
      const exitCode = error.code === 'CONFIG_PATH_UNKNOWN' ? ExitCode.USAGE : error.code === 'CONFIG_WRITE_FAILED' ? ExitCode.FAILURE : ExitCode.CONFIG;
      throw new CliError(error.message, exitCode);
    }
    throw error;
  }
}
