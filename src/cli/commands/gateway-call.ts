/** @module cli/commands/gateway-call — `clawgate gateway call <method> [--params JSON]`: one raw RPC. */
import type { Command } from 'commander';
import JSON5 from 'json5';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { callTargetRaw, parseTimeoutMs, resolveCliTarget, withConnectionOptions, type ConnectionFlags } from '../connection-options.js';
import { printJson, printLines } from '../output.js';

interface CallFlags extends ConnectionFlags {
  params?: string;
  expectFinal?: boolean;
  scopes?: string;
}

/** Scopes the CLI asks for on a raw call: everything the owner may hold (the gateway grants only what the credential allows). */
const RAW_CALL_SCOPES = ['operator.admin', 'operator.read', 'operator.write', 'operator.pairing', 'operator.approvals'];

export function registerGatewayCall(gateway: Command, getContext: (command: Command) => CliContext): void {
  withConnectionOptions(gateway.command('call <method>'))
    .description('call any gateway method and print its result')
    .option('--params <json>', 'params as JSON (JSON5 accepted)', '{}')
    .option('--expect-final', 'wait for the final response of a two-stage method (agent)', false)
    .option('--scopes <list>', 'comma-separated operator scopes to request')
    .action(async (method: string, flags: CallFlags, command: Command) => {
      const context = getContext(command);
      const params = parseParams(flags.params ?? '{}');
      const target = resolveCliTarget(context, flags);
      const scopes = flags.scopes === undefined ? RAW_CALL_SCOPES : flags.scopes.split(',').map((s) => s.trim()).filter(Boolean);
      const { payload } = await callTargetRaw(target, method, params, {
        scopes,
        timeoutMs: parseTimeoutMs(flags),
        expectFinal: flags.expectFinal === true,
        context,
      });
      if (flags.json === true) return printJson(context.stdout, payload);
      printLines(context.stdout, [`Gateway call: ${method}`, JSON.stringify(payload, null, 2)]);
    });
}

function parseParams(text: string): unknown {
  try {
    return JSON5.parse(text);
  } catch (error) {
    throw new CliError(`--params is not valid JSON: ${error instanceof Error ? error.message.replace(/^JSON5: /, '') : 'unparseable'}`, ExitCode.USAGE);
  }
}
