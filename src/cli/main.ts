/**
 * @module cli/main — process entry: run the program, map errors to exit codes, never print a stack.
 *
 * Exit codes: 0 ok, 1 gateway error, 2 usage, 3 unreachable, 4 auth failed, 78 config (see exit-codes.ts).
 */
import { buildProgram, CommanderError } from './program.js';
import { CliError, ExitCode } from './exit-codes.js';
import type { CliIo } from './context.js';

/** Runs the CLI and resolves with the exit code (tests call this in-process). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.OK;
  } catch (error) {
    if (error instanceof CliError) {
      if (error.message !== '') io.stderr.write(`clawgate: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors were already printed by commander.
      return error.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    }
    io.stderr.write(`clawgate: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (io.env['CLAWGATE_DEBUG'] === '1' && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return ExitCode.FAILURE;
  }
}

/** Entry used by bin/clawgate.js. */
export async function main(argv: readonly string[]): Promise<void> {
  const code = await runCli(argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
  process.exitCode = code;
}
