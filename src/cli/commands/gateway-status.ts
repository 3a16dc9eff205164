/** @module cli/commands/gateway-status — `clawgate gateway status`: the target, and what the gateway says about itself. */
import type { Command } from 'commander';
import { formatTlsFingerprint, status } from '../../protocol/index.js';
import type { CliContext } from '../context.js';
import { callTarget, parseTimeoutMs, resolveCliTarget, withConnectionOptions, type ConnectionFlags } from '../connection-options.js';
import { printJson, printLines } from '../output.js';
import { formatDuration } from './status.js';

export function registerGatewayStatus(gateway: Command, getContext: (command: Command) => CliContext): void {
  withConnectionOptions(gateway.command('status'))
    .description('show where the gateway listens, its auth mode and its clients')
    .action(async (flags: ConnectionFlags, command: Command) => {
      const context = getContext(command);
      const target = resolveCliTarget(context, flags);
      const { payload, latencyMs } = await callTarget(target, status, {}, { timeoutMs: parseTimeoutMs(flags), context });
      if (flags.json === true) return printJson(context.stdout, { target: { url: target.url, source: target.sourceLabel }, latencyMs, ...payload });
      const { gateway: info } = payload;
      printLines(context.stdout, [
        'Gateway Status',
        `Probe target: ${target.url} (${target.sourceLabel})`,
        `Connectivity probe: ok (${latencyMs}ms)`,
        `Runtime: running · pid ${info.pid} · up ${formatDuration(info.uptimeMs)} · clawgate ${info.version}`,
        `Gateway: bind=${info.bind} (${info.addresses.join(', ')}), port=${info.port}`,
        `TLS: ${info.tls ? `on (TLS 1.3+) · fingerprint ${info.tlsFingerprint === undefined ? 'unknown' : formatTlsFingerprint(info.tlsFingerprint)}` : 'off'}`,
        `Auth: ${info.authMode}`,
        ...(info.tailscale === undefined ? [] : [`Tailscale: ${info.tailscale.mode}${info.tailscale.url === undefined ? '' : ` · ${info.tailscale.url}`}`]),
        `Clients: ${payload.connections.operators} operator(s), ${payload.connections.nodes} node(s)`,
        ...(info.warnings ?? []).map((warning) => `Warning: ${warning}`),
      ]);
    });
}
