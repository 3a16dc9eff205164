/**
 * @module cli/commands/status — `clawgate status [--deep]`.
 *
 * Plain: config, target and a one-call reachability check. `--deep`: every layer (config, target,
 * tcp, tls, handshake, auth, rpc) reported separately with one fix per failure.
 */
import type { Command } from 'commander';
import { diagnoseTarget, readTunnelStatus, type DiagnosisReport, type LayerReport, type ResolvedTarget } from '../../remote/index.js';
import { status } from '../../protocol/index.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { callTarget, parseTimeoutMs, prepareTarget, resolveCliTarget, withConnectionOptions, type ConnectionFlags } from '../connection-options.js';
import { printJson, printLines } from '../output.js';

interface StatusFlags extends ConnectionFlags {
  deep?: boolean;
}

export function registerStatus(program: Command, getContext: (command: Command) => CliContext): void {
  withConnectionOptions(program.command('status'))
    .description('show gateway status; --deep checks each layer (tcp, tls, handshake, auth, rpc) separately')
    .option('--deep', 'diagnose layer by layer', false)
    .action(async (flags: StatusFlags, command: Command) => {
      const context = getContext(command);
      if (flags.deep === true) return deepStatus(context, flags);
      const target = resolveCliTarget(context, flags);
      const { payload, latencyMs } = await callTarget(target, status, {}, { timeoutMs: parseTimeoutMs(flags), context });
      if (flags.json === true) return printJson(context.stdout, { target: { url: target.url, source: target.sourceLabel }, latencyMs, status: payload });
      const { gateway, connections } = payload;
      printLines(context.stdout, [
        'Clawgate status',
        `Config:      ${context.paths.configPath}${context.config().exists ? '' : ' (not found: defaults in use)'}`,
        `Gateway:     ${target.url} (${target.sourceLabel}) · reachable ${latencyMs}ms · auth ${gateway.authMode}`,
        `Version:     clawgate ${gateway.version} · protocol v${gateway.protocol} · pid ${gateway.pid} · up ${formatDuration(gateway.uptimeMs)}`,
        `Listening:   ${gateway.addresses.join(', ')} (bind ${gateway.bind})`,
        `Clients:     ${connections.operators} operator(s), ${connections.nodes} node(s)`,
        `Memory:      ${Math.round(payload.memory.rssBytes / 1024 / 1024)} MB RSS`,
        'Deep check:  clawgate status --deep',
      ]);
    });
}

async function deepStatus(context: CliContext, flags: StatusFlags): Promise<void> {
  const layers: LayerReport[] = [];
  let report: DiagnosisReport | undefined;
  try {
    const loaded = context.config();
    layers.push({ layer: 'config', status: 'ok', detail: `${loaded.path}${loaded.exists ? '' : ' (not found: defaults in use)'}` });
  } catch (error) {
    layers.push({ layer: 'config', status: 'fail', detail: error instanceof Error ? error.message : String(error), fix: `fix ${context.paths.configPath}` });
  }
  if (layers[0]?.status === 'ok') {
    try {
      const resolved = resolveCliTarget(context, flags);
      layers.push({ layer: 'target', status: 'ok', detail: `${resolved.url} (${resolved.sourceLabel}), credential: ${resolved.credentialSource}` });
      const target = await tunnelLayer(context, resolved, parseTimeoutMs(flags), layers);
      if (target !== undefined) {
        const tunnel = resolved.ssh === undefined ? undefined : { label: 'ssh tunnel', remotePort: resolved.ssh.remotePort };
        const diagnosedAtMs = Date.now();
        report = await diagnoseTarget(target, tunnel === undefined ? { timeoutMs: parseTimeoutMs(flags) } : { timeoutMs: parseTimeoutMs(flags), tunnel });
        if (resolved.ssh !== undefined) await explainBehindTunnel(context, resolved, report.layers, diagnosedAtMs);
        layers.push(...report.layers);
      }
    } catch (error) {
      if (!(error instanceof CliError) || error.exitCode === ExitCode.FAILURE) throw error;
      layers.push({ layer: 'target', status: 'fail', detail: error.message.split('\n')[0] ?? error.message, fix: 'pass --token/--password with --url, or fix gateway.remote.*' });
    }
  }
  const ok = layers.every((layer) => layer.status !== 'fail');
  if (flags.json === true) {
    printJson(context.stdout, { ok, layers, health: report?.health, auth: report?.auth, server: report?.server, tls: report?.tls });
  } else {
    const marks = { ok: 'ok  ', fail: 'FAIL', skip: '--  ' } as const;
    const lines = ['Clawgate status --deep'];
    for (const layer of layers) {
      const latency = layer.latencyMs === undefined ? '' : ` (${layer.latencyMs}ms)`;
      lines.push(`  ${marks[layer.status]} ${layer.layer.padEnd(9)} ${layer.detail}${latency}`);
      if (layer.fix !== undefined) lines.push(`       ${''.padEnd(9)} fix: ${layer.fix}`);
    }
    lines.push(ok ? 'Result: gateway reachable and healthy' : `Result: failed at ${layers.find((l) => l.status === 'fail')?.layer ?? 'unknown'}`);
    printLines(context.stdout, lines);
  }
  if (!ok) throw new CliError('', exitCodeFor(layers));
}

/**
 * For an ssh-tunnel target: bring the tunnel up (on demand, like every command) and report it as its
 * own layer, with ssh's last error in plain words. Returns the target to diagnose, or undefined when
 * the tunnel could not be brought up (the later layers are then skipped).
 */
async function tunnelLayer(context: CliContext, target: ResolvedTarget, timeoutMs: number, layers: LayerReport[]): Promise<ResolvedTarget | undefined> {
  const spec = target.ssh;
  if (spec === undefined) return target;
  let ready: ResolvedTarget;
  try {
    ready = await prepareTarget(context, target, timeoutMs);
  } catch (error) {
    const [detail = 'ssh tunnel failed', ...rest] = (error instanceof Error ? error.message : String(error)).split('\n');
    const fix = rest.find((line) => line.startsWith('Fix: '))?.slice(5);
    layers.push(fix === undefined ? { layer: 'tunnel', status: 'fail', detail } : { layer: 'tunnel', status: 'fail', detail, fix });
    for (const layer of ['tcp', 'tls', 'handshake', 'auth', 'rpc'] as const) layers.push({ layer, status: 'skip', detail: 'skipped: an earlier layer failed' });
    return undefined;
  }
  const { state } = await readTunnelStatus(context.paths.stateDir, spec);
  const facts = state === undefined ? '' : ` (ssh pid ${state.sshPid ?? '-'}, supervisor pid ${state.supervisorPid}, restarts ${state.restarts})`;
  const lastError = state?.lastError === undefined ? '' : `; last ssh error: ${state.lastError.message}`;
  layers.push({ layer: 'tunnel', status: 'ok', detail: `ssh tunnel up: ${ready.url} -> ${state?.target ?? 'remote'} 127.0.0.1:${spec.remotePort}${facts}${lastError}` });
  return ready;
}

/**
 * When the handshake behind a live tunnel failed, ssh has usually said why on the remote side (forward
 * refused by sshd, or nothing on the remote port): use its words, which are more exact than ours.
 */
async function explainBehindTunnel(context: CliContext, target: ResolvedTarget, layers: LayerReport[], sinceMs: number): Promise<void> {
  const handshake = layers.find((layer) => layer.layer === 'handshake');
  if (target.ssh === undefined || handshake?.status !== 'fail') return;
  await new Promise((resolve) => setTimeout(resolve, 200)); // the supervisor records ssh's stderr asynchronously
  const lastError = (await readTunnelStatus(context.paths.stateDir, target.ssh)).state?.lastError;
  if (lastError === undefined || lastError.atMs < sinceMs || (lastError.kind !== 'forward_refused' && lastError.kind !== 'remote_port_closed')) return;
  handshake.detail = `${lastError.message}${lastError.line === undefined ? '' : ` (ssh: ${lastError.line})`}`;
  handshake.fix = lastError.fix;
}

function exitCodeFor(layers: readonly LayerReport[]): ExitCodeValue {
  const failed = layers.find((layer) => layer.status === 'fail')?.layer;
  if (failed === 'config' || failed === 'target') return ExitCode.CONFIG;
  if (failed === 'tunnel') return ExitCode.UNREACHABLE;
  if (failed === 'auth') return ExitCode.AUTH_FAILED;
  if (failed === 'rpc') return ExitCode.FAILURE;
  return ExitCode.UNREACHABLE;
}

export function formatDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}
