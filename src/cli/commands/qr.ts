/**
 * @module cli/commands/qr — `clawgate qr`: a fresh setup code shown as a terminal QR code, so a phone
 * pairs by scanning it (same as `clawgate devices setup-code --qr`).
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { callTarget, parseTimeoutMs, resolveCliTarget, withConnectionOptions, type ConnectionFlags } from '../connection-options.js';
import { printJson, printLines } from '../output.js';
import { formatSetupCodeLines, parseTtlMs } from './devices-setup-code.js';
import { devicePairSetupCode } from '../../protocol/index.js';

export function registerQr(program: Command, getContext: (command: Command) => CliContext): void {
  withConnectionOptions(program.command('qr'))
    .description('print a one-time setup link as a QR code for a phone to scan')
    .option('--ttl <duration>', 'how long the code stays valid (e.g. 90s, 10m, 1h)', '10m')
    .option('--public-url <url>', 'gateway URL to put in the code (default: from the bind address)')
    .action(async (flags: ConnectionFlags & { ttl?: string; publicUrl?: string }, command: Command) => {
      const context = getContext(command);
      const ttlMs = parseTtlMs(flags.ttl ?? '10m');
      const params = flags.publicUrl === undefined ? { ttlMs } : { ttlMs, url: flags.publicUrl };
      const { payload } = await callTarget(resolveCliTarget(context, flags), devicePairSetupCode, params, { timeoutMs: parseTimeoutMs(flags), context });
      if (flags.json === true) return printJson(context.stdout, payload);
      printLines(context.stdout, await formatSetupCodeLines(payload, { isQr: true }));
    });
}
