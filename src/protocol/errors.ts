/**
 * @module protocol/errors — the one error catalogue, assembled from one file per area under errors/.
 *
 * Every failure the gateway reports has an entry here: our UPPER_SNAKE detail code (sent as
 * `error.details.code`), the wire code from OpenClaw's closed set (`error.code`), a message template,
 * whether retrying can help, and the close code or HTTP status where one applies.
 * docs/errors.md documents the same list; test/protocol/errors.test.ts keeps the two in step.
 * Retired codes are never reused.
 */
import type { CloseCodeValue } from './close-codes.js';
import type { ErrorDefinition } from './errors/definition.js';
import { FRAMING_ERRORS } from './errors/framing.js';
import { AUTH_ERRORS } from './errors/auth.js';
import { DISPATCH_ERRORS } from './errors/dispatch.js';
import { NODES_ERRORS } from './errors/nodes.js';
import { CLIENT_ERRORS } from './errors/client.js';
import { STARTUP_ERRORS } from './errors/startup.js';
import { FEATURE_ERRORS } from './errors/features.js';
import { AGENT_ERRORS } from './errors/agent.js';

export type { ErrorDefinition, WireErrorCode } from './errors/definition.js';

/** Every area's entries; a code defined in two areas fails the errors test (a spread would hide it). */
export const ERROR_AREAS = [FRAMING_ERRORS, AUTH_ERRORS, DISPATCH_ERRORS, NODES_ERRORS, CLIENT_ERRORS, STARTUP_ERRORS, FEATURE_ERRORS, AGENT_ERRORS] as const;

export const ERROR_CATALOGUE = {
  ...FRAMING_ERRORS,
  ...AUTH_ERRORS,
  ...DISPATCH_ERRORS,
  ...NODES_ERRORS,
  ...CLIENT_ERRORS,
  ...STARTUP_ERRORS,
  ...FEATURE_ERRORS,
  ...AGENT_ERRORS,
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** The wire shape of an error (`ErrorShape` in OpenClaw's protocol schema). */
export interface ErrorShape {
  code: string;
  message: string;
  details?: Record<string, unknown>;
  retryable?: boolean;
  retryAfterMs?: number;
}

function renderTemplate(template: string, values: Record<string, unknown>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = values[name];
    return value === undefined ? whole : String(value);
  });
}

/** The only error type Clawgate throws on purpose; everything else is treated as internal. */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly definition: ErrorDefinition;
  readonly details: Record<string, unknown>;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, details: Record<string, unknown> = {}, options: { retryAfterMs?: number } = {}) {
    const definition: ErrorDefinition = ERROR_CATALOGUE[code];
    super(renderTemplate(definition.message, details));
    this.name = 'GatewayError';
    this.code = code;
    this.definition = definition;
    this.details = details;
    this.retryAfterMs = options.retryAfterMs;
  }

  get closeCode(): CloseCodeValue | undefined {
    return this.definition.closeCode;
  }

  /** The wire `ErrorShape`: catalogue code in `details.code`, OpenClaw's code in `code`. */
  toErrorShape(): ErrorShape {
    const details: Record<string, unknown> = { ...this.details, code: this.code };
    if (this.definition.recommendedNextStep !== undefined) {
      details['recommendedNextStep'] = this.definition.recommendedNextStep;
    }
    const shape: ErrorShape = {
      code: this.definition.wire,
      message: this.message,
      details,
      retryable: this.definition.retryable,
    };
    if (this.retryAfterMs !== undefined) shape.retryAfterMs = this.retryAfterMs;
    return shape;
  }
}

export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError;
}
