/** @module cli — the `clawgate` command line. */
export { runCli, main } from './main.js';
export { ExitCode, CliError } from './exit-codes.js';
