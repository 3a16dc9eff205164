/**
 * @module cli/commands/approvals — `clawgate approvals list|allow|deny`: this machine's node-host exec policy.
 *
 * Local only: edits `<stateDir>/node/exec-approvals.json`, which a running `clawgate node run` reads
 * on every `system.run` (deny by default; deny wins over allow).
 */
import type { Command } from 'commander';
import { allowExecutable, denyExecutable, loadExecApprovals, resolveNodeStatePaths } from '../../node-host/index.js';
import type { CliContext } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { printJson, printLines } from '../output.js';

export function registerApprovals(program: Command, getContext: (command: Command) => CliContext): void {
  const approvals = program.command('approvals').description("this machine's node-host exec allowlist for system.run (deny by default)");

  approvals
    .command('list')
    .description('show allowed and denied executables')
    .option('--json', 'print JSON', false)
    .action((flags: { json?: boolean }, command: Command) => {
      const context = getContext(command);
      const path = resolveNodeStatePaths(context.paths.stateDir).execApprovalsPath;
      const loaded = loadExecApprovals(path);
      if (!loaded.ok) throw new CliError(`${loaded.reason}; every system.run is denied until it is fixed`, ExitCode.CONFIG);
      if (flags.json === true) return printJson(context.stdout, { path, ...loaded.approvals });
      const { allow, deny } = loaded.approvals;
      printLines(context.stdout, [
        `Exec approvals: ${path}`,
        'Default: deny',
        `Allowed (${allow.length}):`,
        ...allow.map((entry) => `  ${entry}`),
        `Denied (${deny.length}):`,
        ...deny.map((entry) => `  ${entry}`),
      ]);
    });

  for (const [name, apply, verb] of [
    ['allow', allowExecutable, 'Allowed'],
    ['deny', denyExecutable, 'Denied'],
  ] as const) {
    approvals
      .command(`${name} <executable>`)
      .description(`${name} an executable (absolute path, or a name found on PATH) for system.run`)
      .action((executable: string, _flags: unknown, command: Command) => {
        const context = getContext(command);
        const path = resolveNodeStatePaths(context.paths.stateDir).execApprovalsPath;
        let stored: string;
        try {
          stored = apply(path, executable, context.env['PATH']);
        } catch (error) {
          throw new CliError(error instanceof Error ? error.message : String(error), ExitCode.USAGE);
        }
        printLines(context.stdout, [`${verb} ${stored}`]);
      });
  }
}
