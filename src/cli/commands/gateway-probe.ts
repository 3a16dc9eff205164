/**
 * @module cli/commands/gateway-probe — `clawgate gateway probe`: try every known target and report each.
 *
 * Targets: the explicit `--url` (if any), the configured remote (if `gateway.remote.url` is set, with
 * remote credentials only), and local loopback. Exit 0 when at least one target is reachable.
 */
import type { Command } from 'commander';
import { DEFAULT_GATEWAY_PORT, readGeneratedToken } from '../../config/index.js';
import { GatewayError } from '../../protocol/index.js';
import { diagnoseTarget, requireTunnelSpec, startSshTunnel, type DiagnosisReport, type ResolvedTarget } from '../../remote/index.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { parsePort, parseTimeoutMs, resolveCliTarget, withConnectionOptions, type ConnectionFlags } from '../connection-options.js';
import { printJson, printLines } from '../output.js';
import { withSpinner } from '../style.js';

interface ProbeFlags extends ConnectionFlags {
  ssh?: string;
  sshIdentity?: string;
}

export function registerGatewayProbe(gateway: Command, getContext: (command: Command) => CliContext): void {
  withConnectionOptions(gateway.command('probe'))
    .description('probe the explicit, configured-remote and local gateways and report each')
    .option('--ssh <user@host[:port]>', 'also probe through a temporary SSH tunnel to this host (default: gateway.remote.ssh.target)')
    .option('--ssh-identity <file>', 'ssh private key for --ssh')
    .action(async (flags: ProbeFlags, command: Command) => {
      const context = getContext(command);
      const timeoutMs = parseTimeoutMs(flags);
      const targets = probeTargets(context, flags);
      const results: { label: string; report: DiagnosisReport }[] = [];
      // --ssh, else the configured tunnel target (OpenClaw's gateway.remote.sshTarget default).
      const sshTarget = flags.ssh ?? context.config().config.gateway?.remote?.ssh?.target;
      if (sshTarget !== undefined) results.push(await probeOverSsh(context, { ...flags, ssh: sshTarget }, timeoutMs));
      for (const { label, target } of targets) results.push({ label, report: await withSpinner(context, `probing ${label}`, () => diagnoseTarget(target, { timeoutMs })) });
      const isReachable = results.some(({ report }) => report.layers.some((l) => l.layer === 'handshake' && l.status === 'ok'));
      if (flags.json === true) {
        printJson(context.stdout, { ok: isReachable, targets: results.map(({ label, report }) => ({ id: label, ...report })) });
      } else {
        const lines = ['Gateway Probe', `Reachable: ${isReachable ? 'yes' : 'no'}`, '', 'Targets'];
        for (const { label, report } of results) {
          const handshake = report.layers.find((l) => l.layer === 'handshake');
          const failed = report.layers.find((l) => l.status === 'fail');
          const connect = handshake?.status === 'ok' ? 'ok' : `failed - ${failed?.detail ?? 'unknown'}`;
          const rpc = report.ok ? 'ok' : handshake?.status === 'ok' ? `failed - ${failed?.detail ?? 'unknown'}` : 'skipped';
          lines.push(`${label} ${report.target.url}`, `  Connect: ${connect} · RPC: ${rpc}`);
          if (failed?.fix !== undefined) lines.push(`  Fix: ${failed.fix}`);
        }
        printLines(context.stdout, lines);
      }
      if (!isReachable) throw new CliError('', ExitCode.UNREACHABLE);
    });
}

/**
 * Probes through a temporary tunnel (OpenClaw's `gateway probe --ssh`): start ssh in this process,
 * diagnose the local end with the remote credentials, stop ssh. Not the supervised tunnel.
 */
async function probeOverSsh(context: CliContext, flags: ProbeFlags, timeoutMs: number): Promise<{ label: string; report: DiagnosisReport }> {
  let spec;
  try {
    spec = requireTunnelSpec(context.config().config, { ssh: flags.ssh, sshIdentity: flags.sshIdentity });
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error), ExitCode.USAGE);
  }
  const remote = context.config().config.gateway?.remote;
  const label = `Remote over SSH (${flags.ssh})`;
  const target: ResolvedTarget = { url: `ws://127.0.0.1:${spec.localPort}`, source: 'ssh tunnel', sourceLabel: `ssh ${flags.ssh}`, credentialSource: 'none', isRemote: true };
  const token = flags.token ?? remote?.token;
  const password = flags.password ?? remote?.password;
  if (token !== undefined) Object.assign(target, { token, credentialSource: flags.token !== undefined ? '--token' : 'gateway.remote.token' });
  else if (password !== undefined) Object.assign(target, { password, credentialSource: flags.password !== undefined ? '--password' : 'gateway.remote.password' });
  let tunnel;
  try {
    tunnel = await startSshTunnel(spec, { readyTimeoutMs: Math.max(timeoutMs, 5000) });
  } catch (error) {
    const details = error instanceof GatewayError ? error.details : {};
    const fix = typeof details['fix'] === 'string' ? details['fix'] : 'run the same ssh command by hand to see the full error';
    return {
      label,
      report: {
        ok: false,
        target: { url: target.url, source: target.sourceLabel, credentialSource: target.credentialSource },
        layers: [{ layer: 'tunnel', status: 'fail', detail: error instanceof Error ? error.message : String(error), fix }],
      },
    };
  }
  try {
    const report = await diagnoseTarget({ ...target, url: `ws://127.0.0.1:${tunnel.localPort}` }, { timeoutMs, tunnel: { label: 'ssh tunnel', remotePort: spec.remotePort } });
    report.layers.unshift({ layer: 'tunnel', status: 'ok', detail: `temporary ssh tunnel 127.0.0.1:${tunnel.localPort} -> ${flags.ssh} 127.0.0.1:${spec.remotePort}` });
    return { label, report };
  } finally {
    await tunnel.stop();
  }
}

function probeTargets(context: CliContext, flags: ConnectionFlags): { label: string; target: ResolvedTarget }[] {
  const targets: { label: string; target: ResolvedTarget }[] = [];
  if (flags.url !== undefined) targets.push({ label: 'URL (explicit)', target: resolveCliTarget(context, flags) });
  const gateway = context.config().config.gateway ?? {};
  const remote = gateway.remote;
  if (remote?.url !== undefined) {
    const target: ResolvedTarget = { url: remote.url, source: 'config gateway.remote.url', sourceLabel: 'config gateway.remote.url', credentialSource: 'gateway.remote', isRemote: true };
    if (remote.token !== undefined) target.token = remote.token;
    if (remote.password !== undefined) target.password = remote.password;
    targets.push({ label: gateway.mode === 'remote' ? 'Remote (configured)' : 'Remote (configured, inactive)', target });
  }
  const port = parsePort(flags.port) ?? context.gatewayEnv.port ?? gateway.port ?? DEFAULT_GATEWAY_PORT;
  const localUrl = `ws://127.0.0.1:${port}`;
  if (!targets.some(({ target }) => target.url === localUrl)) {
    const local: ResolvedTarget = { url: localUrl, source: 'local loopback', sourceLabel: 'local loopback', credentialSource: 'none', isRemote: false };
    const token = context.gatewayEnv.token ?? gateway.auth?.token ?? readGeneratedToken(context.paths);
    const password = context.gatewayEnv.password ?? gateway.auth?.password;
    if (token !== undefined) Object.assign(local, { token, credentialSource: 'local token' });
    else if (password !== undefined) Object.assign(local, { password, credentialSource: 'local password' });
    targets.push({ label: 'Local loopback', target: local });
  }
  return targets;
}
