/**
 * @module cli/commands/exec-approvals — `clawgate exec-approvals list|allow|deny <id>`: decide the
 * agent's pending exec requests (exec.approval.list / exec.approval.resolve). Not to be confused
 * with `clawgate approvals allow|deny`, which edits a node host's own allowlist.
 */
import type { Command } from 'commander';
import { execApprovalListContract, execApprovalResolveContract } from '../../protocol/index.js';
import type { CliContext } from '../context.js';
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

  for (const [name, decision] of [['allow', 'allow-once'], ['deny', 'deny']] as const) {
    withConnectionOptions(approvals.command(`${name} <id>`))
      .description(name === 'allow' ? 'run the command once, exactly as requested' : 'refuse the command')
      .action(async (id: string, flags: ConnectionFlags, command: Command) => {
        const context = getContext(command);
        const { payload } = await callTarget(resolveCliTarget(context, flags), execApprovalResolveContract, { id, decision }, { timeoutMs: parseTimeoutMs(flags), context });
        if (flags.json === true) return printJson(context.stdout, payload);
        printLines(context.stdout, [`${decision === 'deny' ? 'Denied' : 'Allowed once'}: ${id}`]);
      });
  }
}
