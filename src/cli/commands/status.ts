/**
 * @module cli/commands/status — `clawgate status [--deep]`.
 *
 * Plain: config, target and a one-call reachability check. `--deep`: every layer (config, target,
 * tcp, tls, handshake, auth, rpc) reported separately with one fix per failure.
 */
import type { Command } from 'commander';
import { diagnoseTarget, type DiagnosisReport, type LayerReport } from '../../remote/index.js';
import type { StatusResult } from '../../protocol/index.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { callTarget, parseTimeoutMs, resolveCliTarget, withConnectionOptions, type ConnectionFlags } from '../connection-options.js';
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
      const { payload, latencyMs } = await callTarget<StatusResult>(target, 'status', {}, { scopes: ['operator.read'], timeoutMs: parseTimeoutMs(flags) });
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
      const target = resolveCliTarget(context, flags);
      layers.push({ layer: 'target', status: 'ok', detail: `${target.url} (${target.sourceLabel}), credential: ${target.credentialSource}` });
      report = await diagnoseTarget(target, { timeoutMs: parseTimeoutMs(flags) });
      layers.push(...report.layers);
    } catch (error) {
      if (!(error instanceof CliError) || error.exitCode === ExitCode.FAILURE) throw error;
      layers.push({ layer: 'target', status: 'fail', detail: error.message.split('\n')[0] ?? error.message, fix: 'pass --token/--password with --url, or fix gateway.remote.*' });
    }
  }
  const ok = layers.every((layer) => layer.status !== 'fail');
  if (flags.json === true) {
    printJson(context.stdout, { ok, layers, health: report?.health, auth: report?.auth, server: report?.server });
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

function exitCodeFor(layers: readonly LayerReport[]): ExitCodeValue {
  const failed = layers.find((layer) => layer.status === 'fail')?.layer;
  if (failed === 'config' || failed === 'target') return ExitCode.CONFIG;
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
