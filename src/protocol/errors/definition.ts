/** @module protocol/errors/definition — the shape of a catalogue entry, shared by every area file. */
import type { CloseCodeValue } from '../close-codes.js';

/** OpenClaw's closed set of top-level `error.code` values. */
export type WireErrorCode =
  | 'INVALID_REQUEST'
  | 'FORBIDDEN'
  | 'UNAVAILABLE'
  | 'NOT_PAIRED'
  | 'NOT_LINKED'
  | 'AGENT_TIMEOUT'
  | 'APPROVAL_NOT_FOUND';

export interface ErrorDefinition {
  readonly wire: WireErrorCode;
  /** Message template; `{name}` is replaced by the matching detail value. */
  readonly message: string;
  readonly retryable: boolean;
  /** Close code when this error ends the connection. */
  readonly closeCode?: CloseCodeValue;
  readonly httpStatus?: number;
  /** OpenClaw's `details.recommendedNextStep` for connect failures. */
  readonly recommendedNextStep?: string;
}

export function defineErrors<const T extends Record<string, ErrorDefinition>>(table: T): T {
  return table;
}
