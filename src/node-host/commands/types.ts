/** @module node-host/commands/types — what a node command is: a name and an async handler. */

export interface CommandContext {
  /** The node host's PATH (callers cannot change where executables are found). */
  searchPath: string | undefined;
  /** Where the local exec policy lives. */
  execApprovalsPath: string;
  /** Budget the gateway gave this invoke, in ms (`node.invoke.request.timeoutMs`). */
  deadlineMs: number | undefined;
}

/** Runs with the parsed params; returns the payload or throws a `GatewayError` (sent as the result error). */
export type CommandHandler = (params: unknown, context: CommandContext) => Promise<unknown>;

export type CommandTable = ReadonlyMap<string, CommandHandler>;
