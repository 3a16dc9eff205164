/**
 * @module cli/service/manager — install, control and inspect the gateway / node host as a user
 * service: systemd (`systemctl --user`) on Linux, launchd (`launchctl`, gui domain) on macOS.
 *
 * The host (platform, paths, process runner, file writes) is injected, so the command sequence is
 * tested without a service manager; the real runner spawns `systemctl`/`launchctl` with a timeout.
 * Where no manager runs (containers), `detectServiceManager` says why, and the caller prints the
 * foreground command instead.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { GatewayError } from '../../protocol/index.js';
import { launchdLabel, renderLaunchdPlist, renderSystemdUnit, systemdUnitName, type ServiceSpec } from './units.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Everything the manager touches outside itself. */
export interface ServiceHost {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  home: string;
  uid: number;
  user: string;
  run(command: string, args: readonly string[]): Promise<RunResult>;
  exists(path: string): boolean;
  /** Writes a file (parents created, mode 0644: units are not secret). */
  writeFile(path: string, text: string): void;
  removeFile(path: string): void;
}

/** The real host: this process's platform and user, `execFile` with a 20 s timeout. */
export function createProcessServiceHost(env: NodeJS.ProcessEnv): ServiceHost {
  const info = userInfo();
  return {
    platform: process.platform,
    env,
    home: homedir(),
    uid: info.uid,
    user: info.username,
    run: (command, args) =>
      new Promise((resolve) => {
        execFile(command, [...args], { timeout: 20_000, env }, (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 127;
          resolve({ code, stdout: String(stdout), stderr: String(stderr || (error !== null && typeof error.code === 'string' ? error.code : '')) });
        });
      }),
    exists: existsSync,
    writeFile: (path, text) => {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text, { mode: 0o644 });
    },
    removeFile: (path) => rmSync(path, { force: true }),
  };
}

export interface ServiceStatus {
  isInstalled: boolean;
  /** `active (running)`, `inactive (dead)`, `failed`, `not loaded` … as the manager says it. */
  state: string;
  isRunning: boolean;
  pid: number | undefined;
  /** Unit or plist path. */
  path: string;
  details: string[];
}

export interface ServiceManager {
  readonly name: 'systemd' | 'launchd';
  /** Where the unit/plist lives for this spec. */
  pathFor(spec: Pick<ServiceSpec, 'kind' | 'profile'>): string;
  /** Writes the unit and starts it; returns advice lines (e.g. linger). */
  install(spec: ServiceSpec): Promise<string[]>;
  uninstall(spec: Pick<ServiceSpec, 'kind' | 'profile'>): Promise<void>;
  control(spec: Pick<ServiceSpec, 'kind' | 'profile'>, action: 'start' | 'stop' | 'restart'): Promise<void>;
  status(spec: Pick<ServiceSpec, 'kind' | 'profile'>): Promise<ServiceStatus>;
}

export type Detection = { manager: ServiceManager } | { manager: undefined; name: string; reason: string };

/** Picks the platform's manager and checks it can be used from here. */
export async function detectServiceManager(host: ServiceHost): Promise<Detection> {
  if (host.platform === 'darwin') return { manager: createLaunchdManager(host) };
  if (host.platform !== 'linux') return { manager: undefined, name: 'a service manager', reason: `unsupported platform ${host.platform}` };
  if (!host.exists('/run/systemd/system')) {
    return { manager: undefined, name: 'systemd', reason: 'no /run/systemd/system: systemd is not PID 1, as in most containers' };
  }
  const probe = await host.run('systemctl', ['--user', 'show-environment']);
  if (probe.code !== 0) {
    return { manager: undefined, name: 'systemd', reason: `no systemd user session (systemctl --user: ${firstLine(probe.stderr) || `exit ${probe.code}`}); log in with a session, or as root run \`loginctl enable-linger ${host.user}\`` };
  }
  return { manager: createSystemdManager(host) };
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

async function mustRun(host: ServiceHost, command: string, args: readonly string[]): Promise<RunResult> {
  const result = await host.run(command, args);
  if (result.code !== 0) throw new GatewayError('SERVICE_COMMAND_FAILED', { command: `${command} ${args.join(' ')}`, reason: firstLine(result.stderr) || `exit ${result.code}` });
  return result;
}

/** systemd user units under $XDG_CONFIG_HOME/systemd/user (default ~/.config/systemd/user). */
export function createSystemdManager(host: ServiceHost): ServiceManager {
  const unitDir = join(host.env['XDG_CONFIG_HOME'] || join(host.home, '.config'), 'systemd', 'user');
  const pathFor = (spec: Pick<ServiceSpec, 'kind' | 'profile'>): string => join(unitDir, systemdUnitName(spec.kind, spec.profile));
  const systemctl = (...args: string[]): Promise<RunResult> => mustRun(host, 'systemctl', ['--user', ...args]);
  return {
    name: 'systemd',
    pathFor,
    install: async (spec) => {
      const name = systemdUnitName(spec.kind, spec.profile);
      host.writeFile(pathFor(spec), renderSystemdUnit(spec));
      await systemctl('daemon-reload');
      await systemctl('enable', name);
      // restart, not start: a re-install must pick up a changed unit.
      await systemctl('restart', name);
      const isLingering = host.exists(join('/var/lib/systemd/linger', host.user));
      return isLingering
        ? []
        : [`To keep it running after you log out and start it at boot, run once: sudo loginctl enable-linger ${host.user}`];
    },
    uninstall: async (spec) => {
      const name = systemdUnitName(spec.kind, spec.profile);
      await host.run('systemctl', ['--user', 'disable', '--now', name]);
      host.removeFile(pathFor(spec));
      await systemctl('daemon-reload');
    },
    control: async (spec, action) => {
      await systemctl(action, systemdUnitName(spec.kind, spec.profile));
    },
    status: async (spec) => {
      const path = pathFor(spec);
      const result = await host.run('systemctl', ['--user', 'show', systemdUnitName(spec.kind, spec.profile), '--property=LoadState,ActiveState,SubState,MainPID,NRestarts,ExecMainStatus']);
      const props = new Map(result.stdout.split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const));
      const pid = Number(props.get('MainPID') ?? '0');
      const isInstalled = host.exists(path) && props.get('LoadState') !== 'not-found';
      return {
        isInstalled,
        state: isInstalled ? `${props.get('ActiveState') ?? 'unknown'} (${props.get('SubState') ?? '?'})` : 'not installed',
        isRunning: props.get('ActiveState') === 'active',
        pid: pid > 0 ? pid : undefined,
        path,
        details: [`restarts: ${props.get('NRestarts') ?? '?'}`, `last exit status: ${props.get('ExecMainStatus') ?? '?'}`],
      };
    },
  };
}

/** launchd agents in ~/Library/LaunchAgents, in the user's gui domain. */
export function createLaunchdManager(host: ServiceHost): ServiceManager {
  const pathFor = (spec: Pick<ServiceSpec, 'kind' | 'profile'>): string => join(host.home, 'Library', 'LaunchAgents', `${launchdLabel(spec.kind, spec.profile)}.plist`);
  const domain = `gui/${host.uid}`;
  const target = (spec: Pick<ServiceSpec, 'kind' | 'profile'>): string => `${domain}/${launchdLabel(spec.kind, spec.profile)}`;
  return {
    name: 'launchd',
    pathFor,
    install: async (spec) => {
      host.writeFile(pathFor(spec), renderLaunchdPlist(spec));
      await host.run('launchctl', ['bootout', target(spec)]);
      await mustRun(host, 'launchctl', ['bootstrap', domain, pathFor(spec)]);
      return [];
    },
    uninstall: async (spec) => {
      await host.run('launchctl', ['bootout', target(spec)]);
      host.removeFile(pathFor(spec));
    },
    control: async (spec, action) => {
      if (action === 'stop') await mustRun(host, 'launchctl', ['kill', 'SIGTERM', target(spec)]);
      else await mustRun(host, 'launchctl', ['kickstart', ...(action === 'restart' ? ['-k'] : []), target(spec)]);
    },
    status: async (spec) => {
      const path = pathFor(spec);
      const result = await host.run('launchctl', ['print', target(spec)]);
      const state = /^\s*state = (.+)$/m.exec(result.stdout)?.[1]?.trim();
      const pid = Number(/^\s*pid = (\d+)$/m.exec(result.stdout)?.[1] ?? '0');
      return {
        isInstalled: host.exists(path),
        state: result.code === 0 ? (state ?? 'loaded') : host.exists(path) ? 'not loaded' : 'not installed',
        isRunning: state === 'running',
        pid: pid > 0 ? pid : undefined,
        path,
        details: [],
      };
    },
  };
}
