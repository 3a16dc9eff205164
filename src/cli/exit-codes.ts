/** @module cli/exit-codes — documented exit codes (README "Exit codes"). */
export const ExitCode = {
  OK: 0,
  /** The gateway answered, but with an error or an unhealthy result. */
  FAILURE: 1,
  /** Bad flags or arguments; nothing was attempted. */
  USAGE: 2,
  /** The gateway could not be reached (refused, timed out, closed, TLS rejected). */
  UNREACHABLE: 3,
  /** The gateway refused our credentials. */
  AUTH_FAILED: 4,
  /** Configuration error (sysexits EX_CONFIG): the gateway refuses to start. */
  CONFIG: 78,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error that ends the command with a message (no stack) and a documented exit code. */
export class CliError extends Error {
  readonly exitCode: ExitCodeValue;
  constructor(message: string, exitCode: ExitCodeValue) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}
