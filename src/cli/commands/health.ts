/** @module cli/commands/health — `clawgate health` and `clawgate gateway health`: the `health` RPC. */
import type { Command } from 'commander';
import { health } from '../../protocol/index.js';
import type { CliContext } from '../context.js';
import { callTarget, parseTimeoutMs, resolveCliTarget, withConnectionOptions, type ConnectionFlags } from '../connection-options.js';
import { printJson, printLines } from '../output.js';

interface HealthFlags extends ConnectionFlags {
  verbose?: boolean;
}

export function registerHealth(parent: Command, name: string, getContext: (command: Command) => CliContext): void {
  withConnectionOptions(parent.command(name))
    .description('ask the gateway for its health snapshot')
    .option('--verbose', 'run a live probe and show the connection details', false)
    .action(async (flags: HealthFlags, command: Command) => {
      const context = getContext(command);
      const target = resolveCliTarget(context, flags);
      const params = flags.verbose === true ? { probe: true } : {};
      const { payload, latencyMs } = await callTarget(target, health, params, { timeoutMs: parseTimeoutMs(flags), context });
      if (flags.json === true) return printJson(context.stdout, payload);
      const lines: string[] = [];
      if (flags.verbose === true) lines.push(`Gateway connection:`, `  Gateway target: ${target.url}`, `  Source: ${target.sourceLabel}`, `  Config: ${context.paths.configPath}`);
      lines.push('Gateway Health', `OK (${latencyMs}ms)`);
      const loop = payload.eventLoop;
      if (loop !== undefined) {
        lines.push(`Event loop: ${loop.degraded ? `degraded (${loop.reasons.join(', ')})` : 'ok'} · p99 ${loop.delayP99Ms}ms · max ${loop.delayMaxMs}ms · util ${loop.utilization}`);
      }
      const channels = Object.keys(payload.channels ?? {});
      lines.push(channels.length === 0 ? 'Channels: none configured' : `Channels: ${channels.join(', ')}`);
      printLines(context.stdout, lines);
    });
}
