/**
 * @module cli/commands/exec-approvals — `clawgate exec-approvals list|allow [--always]|deny <id>`:
 * decide the agent's pending exec requests (exec.approval.list / exec.approval.resolve), and
 * `rules|forget <ruleId>` for the "Always allow" rules (exec.approval.rules.list / .remove). Not to
 * be confused with `clawgate approvals allow|deny`, which edits a node host's own allowlist.
 */
import type { Command } from 'commander';
import { execApprovalListContract, execApprovalResolveContract, execRulesListContract, execRulesRemoveContract } from '../../protocol/index.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { callTarget, parseTimeoutMs, resolveCliTarget, withConnectionOptions, type ConnectionFlags } from '../connection-options.js';
import { printJson, printLines } from '../output.js';

export function registerExecApprovals(program: Command, getContext: (command: Command) => CliContext): void {
  const approvals = program.command('exec-approvals').description('decide the agent\'s pending exec requests');

  withConnectionOptions(approvals.command('list'))
    .description('pending exec requests')
    .action(async (flags: ConnectionFlags, command: Command) => {
      const context = getContext(command);
      const { payload } = await callTarget(resolveCliTarget(context, flags), execApprovalListContract, {}, { timeoutMs: parseTimeoutMs(flags), context });
      if (flags.json === true) return printJson(context.stdout, payload);
      if (payload.approvals.length === 0) return printLines(context.stdout, ['No pending exec requests.']);
      printLines(
        context.stdout,
        payload.approvals.map((a) => `${a.id}  ${String(a.request['command'])}  node ${String(a.request['nodeId']).slice(0, 12)}  session ${String(a.request['sessionKey'])}  expires ${new Date(a.expiresAtMs).toISOString()}`),
      );
    });

  withConnectionOptions(approvals.command('allow <id>'))
    .description('run the command once, exactly as requested (--always: and from now on, without asking)')
    .option('--always', 'also allow exactly this command (same arguments, cwd, node and agent) from now on')
    .option('--days <n>', 'with --always: the rule expires after n days (default: until forgotten)')
    .action(async (id: string, flags: ConnectionFlags & { always?: boolean; days?: string }, command: Command) => {
      const context = getContext(command);
      const decision: 'allow-always' | 'allow-once' = flags.always === true ? 'allow-always' : 'allow-once';
      const days = flags.days === undefined ? undefined : parseDays(flags.days, flags.always === true);
      const params = days === undefined ? { id, decision } : { id, decision, grantExpiresInDays: days };
      const { payload } = await callTarget(resolveCliTarget(context, flags), execApprovalResolveContract, params, { timeoutMs: parseTimeoutMs(flags), context });
      if (flags.json === true) return printJson(context.stdout, payload);
      printLines(context.stdout, [decision === 'allow-always' ? `Always allowed: ${id} (list rules with \`clawgate exec-approvals rules\`)` : `Allowed once: ${id}`]);
    });

  withConnectionOptions(approvals.command('deny <id>'))
    .description('refuse the command')
    .action(async (id: string, flags: ConnectionFlags, command: Command) => {
      const context = getContext(command);
      const { payload } = await callTarget(resolveCliTarget(context, flags), execApprovalResolveContract, { id, decision: 'deny' }, { timeoutMs: parseTimeoutMs(flags), context });
      if (flags.json === true) return printJson(context.stdout, payload);
      printLines(context.stdout, [`Denied: ${id}`]);
    });

  withConnectionOptions(approvals.command('rules'))
    .description('"Always allow" rules: commands that run without asking')
    .option('--node <nodeId>', 'only the rules of this node')
    .action(async (flags: ConnectionFlags & { node?: string }, command: Command) => {
      const context = getContext(command);
      const params = flags.node === undefined ? {} : { nodeId: flags.node };
      const { payload } = await callTarget(resolveCliTarget(context, flags), execRulesListContract, params, { timeoutMs: parseTimeoutMs(flags), context });
      if (flags.json === true) return printJson(context.stdout, payload);
      if (payload.rules.length === 0) return printLines(context.stdout, ['No exec rules.']);
      printLines(
        context.stdout,
        payload.rules.map(
          (r) =>
            `${r.id}  ${JSON.stringify(r.argv)}  cwd ${r.cwd ?? '-'}  node ${r.nodeId.slice(0, 12)}  agent ${r.agentId}  by ${r.resolvedBy}  used ${r.useCount}x  since ${new Date(r.createdAtMs).toISOString()}${r.expiresAtMs === null ? '' : `  expires ${new Date(r.expiresAtMs).toISOString()}`}`,
        ),
      );
    });

  withConnectionOptions(approvals.command('forget <ruleId>'))
    .description('remove an "Always allow" rule: the command asks again')
    .action(async (ruleId: string, flags: ConnectionFlags, command: Command) => {
      const context = getContext(command);
      const { payload } = await callTarget(resolveCliTarget(context, flags), execRulesRemoveContract, { id: ruleId }, { timeoutMs: parseTimeoutMs(flags), context });
      if (flags.json === true) return printJson(context.stdout, payload);
      printLines(context.stdout, [`Forgot rule ${ruleId}: ${JSON.stringify(payload.rule.argv)} asks again.`]);
    });
}

/** `--days`: a whole number of days, 1–3650, and only with `--always`. */
function parseDays(value: string, isAlways: boolean): number {
  const days = Number(value);
  if (!isAlways || !Number.isInteger(days) || days < 1 || days > 3650) throw new CliError(`--days needs --always and a whole number of days from 1 to 3650 (got ${value})`, ExitCode.USAGE);
  return days;
}
