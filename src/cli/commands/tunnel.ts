/**
 * @module cli/commands/tunnel — `clawgate tunnel up|down|status` and the hidden `tunnel supervise`.
 *
 * `up` starts (or reuses) the detached supervisor for the configured ssh target, waits until the local
 * port listens, then checks a `health` RPC through it. `down` stops the supervisor. `supervise` is the
 * supervisor process itself; see remote/tunnel-manager.ts for how the pieces fit.
 */
import type { Command } from 'commander';
import { callContract } from '../../client/index.js';
import { GatewayError, DEFAULT_RPC_TIMEOUT_MS, health } from '../../protocol/index.js';
import {
  ensureTunnel,
  parseSshTarget,
  readTunnelStatus,
  requireTunnelSpec,
  runTunnelSupervisor,
  stopTunnel,
  type SshTunnelSpec,
  type TunnelState,
} from '../../remote/index.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { describeCallFailure, parseTimeoutMs } from '../connection-options.js';
import { printJson, printLines } from '../output.js';

interface TunnelFlags {
  ssh?: string;
  sshIdentity?: string;
  token?: string;
  password?: string;
  timeout?: string;
  json?: boolean;
}

function withTunnelOptions(command: Command): Command {
  return command
    .option('--ssh <user@host[:port]>', 'ssh target (default: gateway.remote.ssh.target)')
    .option('--ssh-identity <file>', 'ssh private key (default: gateway.remote.ssh.identity)')
    .option('--json', 'print JSON', false);
}

export function registerTunnel(program: Command, getContext: (command: Command) => CliContext): void {
  const tunnel = program.command('tunnel').description('a supervised SSH tunnel to a loopback-bound gateway on another host');

  withTunnelOptions(tunnel.command('up'))
    .description('bring the tunnel up (or reuse it), then check gateway health through it')
    .option('--token <token>', 'gateway token for the health check (default: gateway.remote.token)')
    .option('--password <password>', 'gateway password for the health check (default: gateway.remote.password)')
    .option('--timeout <ms>', 'timeout in milliseconds', String(DEFAULT_RPC_TIMEOUT_MS))
    .action(async (flags: TunnelFlags, command: Command) => {
      const context = getContext(command);
      const spec = specFrom(context, flags);
      const timeoutMs = parseTimeoutMs(flags);
      const startedAt = performance.now();
      let state: TunnelState;
      try {
        state = await ensureTunnel({ stateDir: context.paths.stateDir, spec, timeoutMs: Math.max(timeoutMs, 20_000) });
      } catch (error) {
        throw asCliError(error, ExitCode.UNREACHABLE);
      }
      const bringUpMs = Math.round(performance.now() - startedAt);
      const health = await checkHealth(context, flags, state, timeoutMs);
      if (flags.json === true) {
        printJson(context.stdout, { ok: health.ok, tunnel: state, url: `ws://127.0.0.1:${state.localPort}`, bringUpMs, health });
      } else {
        printLines(context.stdout, [
          `SSH tunnel up: ws://127.0.0.1:${state.localPort} -> ${state.target} 127.0.0.1:${state.remotePort} (${bringUpMs}ms)`,
          `  supervisor pid ${state.supervisorPid}, ssh pid ${state.sshPid ?? '-'}; stop it with \`clawgate tunnel down\``,
          health.ok ? `Gateway health through the tunnel: ok (${health.latencyMs}ms)` : `Gateway health through the tunnel: FAILED\n  ${health.error.replace(/\n/g, '\n  ')}`,
        ]);
      }
      if (!health.ok) throw new CliError('', health.exitCode);
    });

  withTunnelOptions(tunnel.command('down'))
    .description('stop the tunnel and its supervisor')
    .action(async (flags: TunnelFlags, command: Command) => {
      const context = getContext(command);
      const spec = specFrom(context, flags);
      const wasRunning = await stopTunnel(context.paths.stateDir, spec);
      if (flags.json === true) return printJson(context.stdout, { ok: true, wasRunning });
      printLines(context.stdout, [wasRunning ? 'SSH tunnel stopped' : 'No SSH tunnel was running']);
    });

  withTunnelOptions(tunnel.command('status'))
    .description('show the tunnel state and the last ssh error')
    .action(async (flags: TunnelFlags, command: Command) => {
      const context = getContext(command);
      const spec = specFrom(context, flags);
      const status = await readTunnelStatus(context.paths.stateDir, spec);
      const isUp = status.isListening;
      if (flags.json === true) {
        printJson(context.stdout, { ok: isUp, up: isUp, supervisorAlive: status.isSupervisorAlive, state: status.state ?? null, logPath: status.paths.logPath });
      } else {
        const state = status.state;
        const lines = [`SSH tunnel to ${state?.target ?? spec.target.host}: ${isUp ? 'up' : status.isSupervisorAlive ? (state?.state ?? 'unknown') : 'down'}`];
        if (state !== undefined && status.isSupervisorAlive) {
          lines.push(`  local ws://127.0.0.1:${state.localPort} -> remote 127.0.0.1:${state.remotePort}; supervisor pid ${state.supervisorPid}, ssh pid ${state.sshPid ?? '-'}, restarts ${state.restarts}`);
        }
        if (state?.lastError !== undefined) lines.push(`  last ssh error: ${state.lastError.message}`, `  fix: ${state.lastError.fix}`);
        lines.push(`  log: ${status.paths.logPath}`);
        printLines(context.stdout, lines);
      }
      if (!isUp) throw new CliError('', ExitCode.UNREACHABLE);
    });

  tunnel
    .command('supervise', { hidden: true })
    .description('(internal) the detached tunnel supervisor process')
    .requiredOption('--spec <json>', 'tunnel spec')
    .requiredOption('--state-dir <dir>', 'state directory')
    .action(async (flags: { spec: string; stateDir: string }, command: Command) => {
      const context = getContext(command);
      let spec: SshTunnelSpec;
      try {
        spec = JSON.parse(flags.spec) as SshTunnelSpec;
        spec.target = parseSshTarget(`${spec.target.user === undefined ? '' : `${spec.target.user}@`}${spec.target.host}:${spec.target.port}`);
      } catch (error) {
        throw asCliError(error, ExitCode.USAGE);
      }
      const code = await runTunnelSupervisor({ spec, stateDir: flags.stateDir, log: (line) => context.stdout.write(`${line}\n`) });
      if (code !== 0) throw new CliError('', ExitCode.FAILURE);
    });
}

function specFrom(context: CliContext, flags: TunnelFlags): SshTunnelSpec {
  try {
    return requireTunnelSpec(context.config().config, { ssh: flags.ssh, sshIdentity: flags.sshIdentity });
  } catch (error) {
    throw asCliError(error, ExitCode.CONFIG);
  }
}

type HealthCheck = { ok: true; latencyMs: number } | { ok: false; error: string; exitCode: (typeof ExitCode)[keyof typeof ExitCode] };

async function checkHealth(context: CliContext, flags: TunnelFlags, state: TunnelState, timeoutMs: number): Promise<HealthCheck> {
  const remote = context.config().config.gateway?.remote;
  const token = flags.token ?? remote?.token ?? context.gatewayEnv.token;
  const password = flags.password ?? remote?.password ?? context.gatewayEnv.password;
  const url = `ws://127.0.0.1:${state.localPort}`;
  try {
    const { latencyMs } = await callContract(health, {}, { url, token, password, timeoutMs });
    return { ok: true, latencyMs };
  } catch (error) {
    const failure = describeCallFailure(error, { url, source: 'ssh tunnel', sourceLabel: 'ssh tunnel', credentialSource: 'gateway.remote', isRemote: true });
    return { ok: false, error: failure.message, exitCode: failure.exitCode };
  }
}

function asCliError(error: unknown, exitCode: (typeof ExitCode)[keyof typeof ExitCode]): CliError {
  if (error instanceof GatewayError) {
    const fix = typeof error.details['fix'] === 'string' ? `\nFix: ${error.details['fix']}` : '';
    return new CliError(`${error.message}${fix}`, exitCode);
  }
  if (error instanceof CliError) return error;
  return new CliError(error instanceof Error ? error.message : String(error), exitCode);
}
