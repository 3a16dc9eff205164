/**
 * @module cli/commands/service — `clawgate gateway install|start|stop|restart|uninstall` and
 * `clawgate node install|start|stop|restart|status|uninstall`: run either as a user service.
 *
 * The unit runs this same CLI (`node <bin> [--profile p] gateway run`) with the state dir and profile
 * in its environment and no secret in it. Where no service manager runs (containers), the command
 * says so and prints the foreground command instead (exit 1). `--print` shows the unit and changes
 * nothing. Exit codes: 0 done, 1 the manager is missing or refused, 2 usage.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { GatewayError } from '../../protocol/index.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { printLines } from '../output.js';
import { createProcessServiceHost, detectServiceManager, type ServiceHost, type ServiceManager, type ServiceStatus } from '../service/manager.js';
import { renderLaunchdPlist, renderSystemdUnit, type ServiceSpec } from '../service/units.js';
import { startSpinner } from '../style.js';

type GetContext = (command: Command) => CliContext;
type Kind = ServiceSpec['kind'];

/** Tests swap the host (a fake systemctl); everything else uses the real one. */
let hostFactory: (env: NodeJS.ProcessEnv) => ServiceHost = createProcessServiceHost;

/** For tests only: replaces the service host (returns a restore function). */
export function setServiceHostFactoryForTests(factory: (env: NodeJS.ProcessEnv) => ServiceHost): () => void {
  const previous = hostFactory;
  hostFactory = factory;
  return () => {
    hostFactory = previous;
  };
}

interface NodeInstallFlags {
  host: string;
  port: string;
  tls?: boolean;
  tlsFingerprint?: string;
  displayName?: string;
}

/** Adds the service subcommands to the `gateway` and `node` command groups. */
export function registerService(program: Command, getContext: GetContext): void {
  const gateway = program.commands.find((command) => command.name() === 'gateway');
  const node = program.commands.find((command) => command.name() === 'node');
  if (gateway !== undefined) registerFor(gateway, 'gateway', getContext, false);
  if (node !== undefined) {
    registerFor(node, 'node', getContext, true)
      .option('--host <host>', 'gateway host', '127.0.0.1')
      .option('--port <port>', 'gateway port', '18789')
      .option('--tls', 'connect with wss://', false)
      .option('--tls-fingerprint <sha256>', "pin the gateway certificate's SHA-256 fingerprint")
      .option('--display-name <name>', 'name shown to operators');
  }
}

function registerFor(group: Command, kind: Kind, getContext: GetContext, withStatus: boolean): Command {
  const what = kind === 'gateway' ? 'the gateway' : 'the node host';
  const install = group
    .command('install')
    .description(`run ${what} as a user service (systemd on Linux, launchd on macOS); restarts on failure`)
    .option('--print', 'print the unit for this platform and change nothing', false)
    .action(async (flags: NodeInstallFlags & { print?: boolean }, command: Command) => {
      const context = getContext(command);
      const spec = buildSpec(context, kind, command, flags);
      const host = hostFactory(context.env);
      if (flags.print === true) {
        context.stdout.write(host.platform === 'darwin' ? renderLaunchdPlist(spec) : renderSystemdUnit(spec));
        return;
      }
      printLines(context.stdout, await installService(context, spec, host));
      if (kind === 'gateway' && context.gatewayEnv.token !== undefined) {
        context.stderr.write(`clawgate: note: the service does not see ${context.gatewayEnv.sources.token ?? 'the token variable'}; it uses gateway.auth.token or the generated token (set one with \`clawgate config set gateway.auth.token …\`)\n`);
      }
    });
  for (const action of ['start', 'stop', 'restart'] as const) {
    group
      .command(action)
      .description(`${action} the installed ${kind} service`)
      .action(async (_flags: unknown, command: Command) => {
        const context = getContext(command);
        const spec = buildSpec(context, kind, command, undefined);
        const manager = await requireManager(hostFactory(context.env), context, spec);
        try {
          await manager.control(spec, action);
        } catch (error) {
          throw asCliError(error);
        }
        printLines(context.stdout, [`${action === 'stop' ? 'Stopped' : action === 'start' ? 'Started' : 'Restarted'} ${manager.pathFor(spec)}`]);
      });
  }
  if (withStatus) {
    group
      .command('status')
      .description(`show the ${kind} service's state`)
      .action(async (_flags: unknown, command: Command) => {
        const context = getContext(command);
        printLines(context.stdout, [await describeService(context, kind, command)]);
      });
  }
  group
    .command('uninstall')
    .description(`stop the ${kind} service and remove its unit`)
    .action(async (_flags: unknown, command: Command) => {
      const context = getContext(command);
      const spec = buildSpec(context, kind, command, undefined);
      const manager = await requireManager(hostFactory(context.env), context, spec);
      try {
        await manager.uninstall(spec);
      } catch (error) {
        throw asCliError(error);
      }
      printLines(context.stdout, [`Removed ${manager.pathFor(spec)}`]);
    });
  return install;
}

/**
 * Installs and starts `spec` with the platform's manager, showing progress; returns the lines to
 * print. Throws a CliError (exit 1) naming the foreground command where no manager runs.
 */
export async function installService(context: CliContext, spec: ServiceSpec, host: ServiceHost = hostFactory(context.env)): Promise<string[]> {
  const what = spec.kind === 'gateway' ? 'the gateway' : 'the node host';
  const manager = await requireManager(host, context, spec);
  const spinner = startSpinner(context.stderr, context.env, `installing ${what} as a ${manager.name} service`);
  let advice: string[];
  try {
    advice = await manager.install(spec);
  } catch (error) {
    spinner.stop(`installing ${what} failed`, false);
    throw asCliError(error);
  }
  spinner.stop(`installed and started (${manager.name})`);
  return [
    `Installed ${manager.pathFor(spec)}`,
    `State dir: ${context.paths.stateDir} (no secret is in the unit)`,
    ...advice,
    `Check it: clawgate ${spec.kind} status${spec.kind === 'gateway' ? '   Logs: clawgate logs --follow' : ''}`,
  ];
}

/** One line for `gateway status` / `node status` / doctor: the service's state, or why there is none. */
export async function describeService(context: CliContext, kind: Kind, command: Command): Promise<string> {
  const status = await serviceStatus(context, kind, command);
  if ('reason' in status) return `Service: none (${status.reason})`;
  const pid = status.pid === undefined ? '' : ` · pid ${status.pid}`;
  return `Service: ${status.manager} ${status.state}${pid}${status.isInstalled ? ` · ${status.path}` : ` · install with \`clawgate ${kind} install\``}${status.details.length > 0 && status.isInstalled ? ` · ${status.details.join(' · ')}` : ''}`;
}

/** The service's status, or why no manager is available. */
export async function serviceStatus(context: CliContext, kind: Kind, command: Command): Promise<(ServiceStatus & { manager: string }) | { reason: string }> {
  const detection = await detectServiceManager(hostFactory(context.env));
  if (detection.manager === undefined) return { reason: detection.reason };
  const spec = buildSpec(context, kind, command, undefined);
  return { ...(await detection.manager.status(spec)), manager: detection.manager.name };
}

async function requireManager(host: ServiceHost, context: CliContext, spec: ServiceSpec): Promise<ServiceManager> {
  const detection = await detectServiceManager(host);
  if (detection.manager !== undefined) return detection.manager;
  const foreground = foregroundCommand(context, spec);
  const error = new GatewayError('SERVICE_MANAGER_UNAVAILABLE', { manager: detection.name, reason: detection.reason, command: foreground });
  throw new CliError(error.message, ExitCode.FAILURE);
}

function asCliError(error: unknown): unknown {
  return error instanceof GatewayError ? new CliError(error.message, ExitCode.FAILURE) : error;
}

function profileOf(command: Command): string | undefined {
  return (command.optsWithGlobals() as { profile?: string }).profile;
}

/** What the unit runs: this Node, this CLI's bin, the same profile and state dir. */
export function buildSpec(context: CliContext, kind: Kind, command: Command, flags: NodeInstallFlags | undefined): ServiceSpec {
  const profile = profileOf(command) ?? (context.env['CLAWGATE_PROFILE'] || undefined);
  const args = kind === 'gateway' ? ['gateway', 'run'] : ['node', 'run', ...nodeArgs(flags)];
  const env: Record<string, string> = { CLAWGATE_STATE_DIR: context.paths.stateDir };
  if (profile !== undefined) env['CLAWGATE_PROFILE'] = profile;
  if (context.env['CLAWGATE_CONFIG_PATH']) env['CLAWGATE_CONFIG_PATH'] = context.paths.configPath;
  // The node host looks executables up on PATH (system.which, system.run).
  if (kind === 'node' && context.env['PATH']) env['PATH'] = context.env['PATH'];
  return {
    kind,
    profile,
    command: [process.execPath, clawgateBinPath(), ...(profile === undefined ? [] : ['--profile', profile]), ...args],
    env,
    logPath: join(context.paths.logDir, `${kind}-service.log`),
  };
}

function nodeArgs(flags: NodeInstallFlags | undefined): string[] {
  if (flags === undefined) return [];
  return [
    '--host', flags.host, '--port', flags.port,
    ...(flags.tls === true ? ['--tls'] : []),
    ...(flags.tlsFingerprint === undefined ? [] : ['--tls-fingerprint', flags.tlsFingerprint]),
    ...(flags.displayName === undefined ? [] : ['--display-name', flags.displayName]),
  ];
}

function foregroundCommand(context: CliContext, spec: ServiceSpec): string {
  const words = spec.command.slice(2).map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`));
  return `CLAWGATE_STATE_DIR=${context.paths.stateDir} clawgate ${words.join(' ')}`;
}

/** bin/clawgate.js of this install, found by walking up from this module (bundled or not). */
export function clawgateBinPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'bin', 'clawgate.js');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return process.argv[1] ?? 'clawgate';
}
