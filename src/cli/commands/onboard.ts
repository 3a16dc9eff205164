/**
 * @module cli/commands/onboard — `clawgate onboard`: set up the gateway in a minute. Asks only what it
 * must (bind, port, auth, service), checks each answer live (the port is free, Tailscale is there),
 * writes the config with start-up's validation, and optionally installs the service.
 *
 * `--non-interactive` takes the answers from flags (defaults: loopback, 18789, token, no service) for
 * scripts. A model provider and a Telegram bot are optional; each is checked live (the provider's
 * model list with the key, Telegram's getMe) before anything is written.
 * The prompts (@clack/prompts) load only in interactive mode.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import JSON5 from 'json5';
import { DEFAULT_GATEWAY_PORT, loadOrCreateGeneratedToken, serializeConfig, setAt, writeFileAtomic, type ClawgateConfig } from '../../config/index.js';
import { GatewayError } from '../../protocol/index.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { parsePort } from '../connection-options.js';
import { isListening } from '../doctor/checks.js';
import { printLines } from '../output.js';
import { ONBOARD_BINDS, mergedValue, planOnboarding, splitModelRef, type OnboardAnswers, type OnboardBind, type OnboardModel } from '../onboard/plan.js';
import { buildSpec, installService } from './service.js';
import { loadFeatureSections } from '../feature-sections.js';

interface OnboardFlags {
  nonInteractive?: boolean;
  bind?: string;
  port?: string;
  auth?: string;
  token?: string;
  password?: string;
  installService?: boolean;
  model?: string;
  modelBaseUrl?: string;
  modelApi?: string;
  modelApiKeyEnv?: string;
  telegramTokenFile?: string;
}

const WITHOUT_MODEL = 'No model: the built-in commands (/help, /status, /nodes, /run, /new) answer; add one later with `clawgate onboard` or `clawgate config set`.';

export function registerOnboard(program: Command, getContext: (command: Command) => CliContext): void {
  program
    .command('onboard')
    .description('set up the gateway: bind, port, auth and (optionally) the service')
    .option('--non-interactive', 'take every answer from flags (for scripts)', false)
    .option('--bind <mode>', `${ONBOARD_BINDS.join('|')} (default loopback)`)
    .option('--port <port>', `port (default ${DEFAULT_GATEWAY_PORT})`)
    .option('--auth <mode>', 'token|password (default token)')
    .option('--token <token>', 'use this token instead of generating one')
    .option('--password <password>', 'password for --auth password')
    .option('--install-service', 'install and start the gateway as a user service', false)
    .option('--model <provider/model>', 'a model for the agent, e.g. local/llama3.1 (optional)')
    .option('--model-base-url <url>', 'the provider base URL, e.g. http://127.0.0.1:11434/v1')
    .option('--model-api <api>', 'openai-completions|anthropic-messages (default openai-completions)')
    .option('--model-api-key-env <VAR>', 'env variable holding the API key (the key itself is never written)')
    .option('--telegram-token-file <path>', 'file holding the Telegram bot token (optional)')
    .action(async (flags: OnboardFlags, command: Command) => {
      const context = getContext(command);
      if (flags.nonInteractive === true) {
        const answers = await answersFromFlags(flags);
        printLines(context.stdout, await applyAnswers(context, command, answers));
        return;
      }
      const stdin = process.stdin as { isTTY?: boolean };
      if (stdin.isTTY !== true) throw new CliError('onboard asks questions: run it in a terminal, or pass --non-interactive with flags', ExitCode.USAGE);
      await runInteractive(context, command, flags);
    });
}

/** Flags → answers, checked like the interactive answers (exit 2 on a bad one, 78 when unsafe). */
export async function answersFromFlags(flags: OnboardFlags): Promise<OnboardAnswers> {
  const bind = (flags.bind ?? 'loopback') as OnboardBind;
  if (!(ONBOARD_BINDS as readonly string[]).includes(bind)) throw new CliError(`--bind must be one of ${ONBOARD_BINDS.join(', ')} (got "${flags.bind}")`, ExitCode.USAGE);
  const auth = flags.auth ?? (flags.password !== undefined ? 'password' : 'token');
  if (auth !== 'token' && auth !== 'password') throw new CliError(`--auth must be token or password (got "${auth}")`, ExitCode.USAGE);
  if (auth === 'password' && (flags.password === undefined || flags.password.length < 12)) throw new CliError('--auth password needs --password of at least 12 characters', ExitCode.USAGE);
  const port = parsePort(flags.port) ?? DEFAULT_GATEWAY_PORT;
  const problem = await checkAnswers(bind, port);
  if (problem !== undefined) throw new CliError(problem, ExitCode.CONFIG);
  return {
    bind,
    port,
    auth,
    secret: auth === 'password' ? flags.password : flags.token,
    installService: flags.installService === true,
    model: modelFromFlags(flags),
    telegramTokenFile: flags.telegramTokenFile,
  };
}

function modelFromFlags(flags: OnboardFlags): OnboardModel | undefined {
  if (flags.model === undefined) {
    if (flags.modelBaseUrl !== undefined || flags.modelApiKeyEnv !== undefined) throw new CliError('--model-base-url and --model-api-key-env go with --model <provider>/<model>', ExitCode.USAGE);
    return undefined;
  }
  try {
    splitModelRef(flags.model);
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error), ExitCode.USAGE);
  }
  if (flags.modelBaseUrl === undefined) throw new CliError('--model needs --model-base-url (e.g. http://127.0.0.1:11434/v1)', ExitCode.USAGE);
  const api = flags.modelApi ?? 'openai-completions';
  if (api !== 'openai-completions' && api !== 'anthropic-messages') throw new CliError(`--model-api must be openai-completions or anthropic-messages (got "${api}")`, ExitCode.USAGE);
  return { ref: flags.model, baseUrl: flags.modelBaseUrl, api, apiKeyEnv: flags.modelApiKeyEnv };
}

/**
 * The optional model and Telegram answers, checked live with the probes `clawgate doctor` uses: a
 * refused key, an unreachable server or a revoked bot token stops onboarding before anything is
 * written. Returns what the checks found, for the report.
 */
async function checkFeatureAnswers(context: CliContext, answers: OnboardAnswers): Promise<string[]> {
  if (answers.model === undefined && answers.telegramTokenFile === undefined) return [WITHOUT_MODEL];
  const plan = planOnboarding(answers);
  const sections = await loadFeatureSections();
  // The config as it will be, so an existing channels.telegram.apiRoot or provider is honoured.
  let config = readRawConfig(context.paths.configPath);
  for (const [path, value] of plan.settings) config = setAt(config, path, mergedValue(config, path, value), context.paths.configPath, sections);
  const { probeFeatureReachability } = await import('../../daemon/index.js');
  const findings = (await probeFeatureReachability(config as ClawgateConfig, { env: context.env, timeoutMs: 8000 })).filter((f) => f.status !== 'info');
  const failed = findings.find((finding) => finding.status === 'fail');
  if (failed !== undefined) throw new CliError(`${failed.title}: ${failed.detail}${failed.fix === undefined ? '' : `. Fix: ${failed.fix}`}. Nothing was written.`, ExitCode.CONFIG);
  return [...findings.map((finding) => `Checked ${finding.title}: ${finding.detail}`), ...(answers.model === undefined ? [WITHOUT_MODEL] : [])];
}

/** Live checks: the port is free, tailnet has Tailscale. Returns the problem, if any. */
async function checkAnswers(bind: OnboardBind, port: number): Promise<string | undefined> {
  if (await isListening(port)) return `port ${port} is already in use on this machine (a running gateway, or another program: ss -ltnp 'sport = :${port}'); pick another with --port`;
  if (bind === 'tailnet' && !(await hasTailscale())) return 'bind tailnet needs Tailscale, and the tailscale CLI is not on PATH (https://tailscale.com/download)';
  return undefined;
}

function hasTailscale(): Promise<boolean> {
  return new Promise((resolve) => execFile('tailscale', ['version'], { timeout: 3000 }, (error) => resolve(error === null)));
}

/** Writes the config (validated, atomic), creates the token, installs the service; returns the report. */
async function applyAnswers(context: CliContext, command: Command, answers: OnboardAnswers): Promise<string[]> {
  const checked = await checkFeatureAnswers(context, answers);
  const plan = planOnboarding(answers);
  const sections = await loadFeatureSections();
  let config = readRawConfig(context.paths.configPath);
  try {
    for (const [path, value] of plan.settings) config = setAt(config, path, mergedValue(config, path, value), context.paths.configPath, sections);
    mkdirSync(dirname(context.paths.configPath), { recursive: true, mode: 0o700 });
    writeFileAtomic(context.paths.configPath, serializeConfig(config));
  } catch (error) {
    if (error instanceof GatewayError) throw new CliError(error.message, ExitCode.CONFIG);
    throw error;
  }
  if (plan.shouldCreateGeneratedToken) loadOrCreateGeneratedToken(context.paths);
  const lines = [`Wrote ${context.paths.configPath}`, ...plan.summary, ...checked];
  if (answers.installService) {
    try {
      lines.push(...(await installService(context, buildSpec(context, 'gateway', command, undefined))));
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      lines.push(`Service: not installed. ${error.message}`);
    }
  } else {
    lines.push('Start it: clawgate gateway run   (or as a service: clawgate gateway install)');
  }
  lines.push('Check everything: clawgate doctor');
  return lines;
}

function readRawConfig(path: string): Record<string, unknown> {
  if (!existsSync(path)) return {};
  try {
    const parsed: unknown = JSON5.parse(readFileSync(path, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    throw new CliError(`${path} is not valid JSON5: fix it (clawgate doctor shows where) before onboarding`, ExitCode.CONFIG);
  }
}

async function runInteractive(context: CliContext, command: Command, flags: OnboardFlags): Promise<void> {
  const prompts = await import('@clack/prompts');
  // Ctrl-C in any prompt: nothing has been written yet, so stop cleanly.
  const bail = <T>(value: T): Exclude<T, symbol> => {
    if (prompts.isCancel(value)) {
      prompts.cancel('Nothing was written.');
      throw new CliError('', ExitCode.USAGE);
    }
    return value as Exclude<T, symbol>;
  };
  prompts.intro('Clawgate setup');
  let bind: OnboardBind;
  let port: number;
  for (;;) {
    bind = bail(
      await prompts.select<OnboardBind>({
        message: 'Who may reach the gateway?',
        initialValue: (flags.bind as OnboardBind | undefined) ?? 'loopback',
        options: [
          { value: 'loopback', label: 'This machine only (loopback)', hint: 'recommended; reach it remotely with `clawgate tunnel` or Tailscale Serve' },
          { value: 'lan', label: 'The local network (0.0.0.0)', hint: 'needs a token; advertised over mDNS' },
          { value: 'tailnet', label: 'My tailnet (Tailscale address)', hint: 'needs Tailscale' },
        ],
      }),
    );
    const portText = bail(
      await prompts.text({
        message: 'Port',
        initialValue: String(parsePort(flags.port) ?? DEFAULT_GATEWAY_PORT),
        validate: (value) => (/^\d+$/.test(value ?? '') && Number(value) >= 1 && Number(value) <= 65535 ? undefined : 'a port number, 1-65535'),
      }),
    );
    port = Number(portText);
    const checking = prompts.spinner();
    checking.start('Checking the port and requirements');
    const problem = await checkAnswers(bind, port);
    if (problem === undefined) checking.stop('Port and requirements ok');
    else checking.error(problem);
    if (problem === undefined) break;
  }
  const auth = bail(
    await prompts.select<'token' | 'password'>({
      message: 'How do clients prove they are yours?',
      initialValue: 'token',
      options: [
        { value: 'token', label: 'A token', hint: 'recommended: 256 random bits, generated for you' },
        { value: 'password', label: 'A password', hint: 'needed for Tailscale Funnel' },
      ],
    }),
  );
  const secret =
    auth === 'password'
      ? bail(await prompts.password({ message: 'Password (12+ characters)', validate: (value) => ((value ?? '').length >= 12 ? undefined : 'at least 12 characters') }))
      : undefined;
  let model: OnboardModel | undefined;
  if (bail(await prompts.confirm({ message: 'Add a model for the agent now? (without one, the built-in commands still answer)', initialValue: false }))) {
    const ref = bail(await prompts.text({ message: 'Model, as <provider>/<model>', placeholder: 'local/llama3.1', validate: (value) => (/^[A-Za-z0-9_-]+\/.+$/.test(value ?? '') ? undefined : 'like local/llama3.1') }));
    const api = bail(
      await prompts.select<'openai-completions' | 'anthropic-messages'>({
        message: 'API',
        initialValue: 'openai-completions',
        options: [
          { value: 'openai-completions', label: 'OpenAI-compatible', hint: 'OpenAI, Ollama, vLLM, llama.cpp, LM Studio, OpenRouter' },
          { value: 'anthropic-messages', label: 'Anthropic messages' },
        ],
      }),
    );
    const baseUrl = bail(await prompts.text({ message: 'Base URL', placeholder: 'http://127.0.0.1:11434/v1', validate: (value) => (/^https?:\/\//.test(value ?? '') ? undefined : 'an http(s) URL') }));
    const keyEnv = bail(await prompts.text({ message: 'Env variable holding the API key (empty for none; the key is never written)', defaultValue: '' }));
    model = { ref, api, baseUrl, apiKeyEnv: keyEnv === '' ? undefined : keyEnv };
  }
  const telegramFile = bail(await prompts.text({ message: 'Telegram bot token file (empty to skip)', defaultValue: '' }));
  const installServiceAnswer = bail(await prompts.confirm({ message: 'Install and start it as a user service now?', initialValue: true }));
  const checking = prompts.spinner();
  checking.start('Checking and writing');
  let lines: string[];
  try {
    lines = await applyAnswers(context, command, { bind, port, auth, secret, installService: installServiceAnswer, model, telegramTokenFile: telegramFile === '' ? undefined : telegramFile });
    checking.stop('Done');
  } catch (error) {
    checking.error(error instanceof CliError ? error.message : 'failed');
    throw error;
  }
  prompts.note(lines.join('\n'), 'Done');
  prompts.outro('Next: clawgate doctor');
}
