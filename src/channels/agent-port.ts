/**
 * @module channels/agent-port — the little a channel needs from the agent: run one turn in a session.
 *
 * Channels depend on this interface, not on src/agent/ internals, so the adapter to the agent
 * runtime is one small file (channels/agent-adapter.ts) and tests can script turns.
 */

/** Who is talking, as the agent sees it. */
export interface TurnSender {
  channel: string;
  accountId: string;
  id: string;
  label?: string;
  /** True when `commands.ownerAllowFrom` lists this sender. */
  isOwner: boolean;
}

export interface TurnRequest {
  sessionKey: string;
  text: string;
  sender: TurnSender;
  signal: AbortSignal;
  /** The reply so far (cumulative text), as the model streams it. */
  onDelta(textSoFar: string): void;
  /** A short progress line (tool call started, plan step). */
  onProgress(line: string): void;
}

export interface TurnOutcome {
  status: 'ok' | 'error' | 'aborted';
  /** The final reply text (ok), or a short readable failure (error). */
  text: string;
}

export interface AgentPort {
  runTurn(request: TurnRequest): Promise<TurnOutcome>;
  /** Aborts the session's running turn (`/stop`); resolves to how many runs were stopped. */
  abort?(sessionKey: string): Promise<number>;
}
