/**
 * @module protocol/decode — turn one inbound text frame into a validated request, or a coded error.
 *
 * Pure and total: any input string yields either a `RequestFrame` or a `GatewayError` (never a throw),
 * which test/protocol/decode.test.ts checks with property-based fuzzing.
 */
import { GatewayError } from './errors.js';
import { RequestFrameSchema, type RequestFrame } from './frames.js';
import { compileSchema } from './validation.js';

const requestFrame = compileSchema(RequestFrameSchema);

export type DecodeResult =
  | { ok: true; frame: RequestFrame }
  | { ok: false; error: GatewayError; /** The frame's id when one could be read, so the error can answer it. */ id?: string };

/** Decodes a client→server frame. Clients may only send `req` frames. */
export function decodeClientFrame(text: string): DecodeResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: new GatewayError('INVALID_FRAME', { reason: 'not valid JSON' }) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: new GatewayError('INVALID_FRAME', { reason: 'a frame must be a JSON object' }) };
  }
  const record = value as Record<string, unknown>;
  const id = typeof record['id'] === 'string' && record['id'].length > 0 ? record['id'] : undefined;
  const withId = (error: GatewayError): DecodeResult => (id === undefined ? { ok: false, error } : { ok: false, error, id });
  if (record['type'] !== 'req') {
    return withId(new GatewayError('INVALID_FRAME', { reason: `clients send only "req" frames (got type ${JSON.stringify(record['type'] ?? null)})` }));
  }
  if (!requestFrame.check(value)) {
    return withId(new GatewayError('INVALID_FRAME', { reason: requestFrame.explain(value) }));
  }
  return { ok: true, frame: value };
}
