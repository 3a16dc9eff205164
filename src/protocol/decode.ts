/**
 * @module protocol/decode — turn one inbound text frame into a validated request, or a coded error.
 *
 * Pure and total: any input string yields either a `RequestFrame` or a `GatewayError` (never a throw),
 * which test/protocol/decode.test.ts checks with property-based fuzzing.
 */
import { GatewayError } from './errors.js';
import { RequestFrameSchema, type RequestFrame } from './frames.js';
import { compileSchema, type CompiledSchema } from './validation.js';
import { MAX_FRAME_DEPTH, MAX_METHOD_NAME_LENGTH, MAX_REQUEST_ID_LENGTH } from './limits.js';

/** Compiled on the first decode: every CLI command loads protocol/, only the gateway decodes requests (~9 ms a command). */
let requestFrame: CompiledSchema<typeof RequestFrameSchema> | undefined;

export type DecodeResult =
  | { ok: true; frame: RequestFrame }
  | { ok: false; error: GatewayError; /** The frame's id when one could be read, so the error can answer it. */ id?: string };

/** Decodes a client→server frame. Clients may only send `req` frames. */
export function decodeClientFrame(text: string): DecodeResult {
  const depth = jsonDepthExceeds(text, MAX_FRAME_DEPTH);
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
  const rawId = record['id'];
  const id = typeof rawId === 'string' && rawId.length > 0 && rawId.length <= MAX_REQUEST_ID_LENGTH ? rawId : undefined;
  const withId = (error: GatewayError): DecodeResult => (id === undefined ? { ok: false, error } : { ok: false, error, id });
  if (depth) return withId(new GatewayError('INVALID_FRAME', { reason: `nested deeper than ${MAX_FRAME_DEPTH} levels` }));
  if (typeof rawId === 'string' && rawId.length > MAX_REQUEST_ID_LENGTH) {
    return withId(new GatewayError('INVALID_FRAME', { reason: `id longer than ${MAX_REQUEST_ID_LENGTH} characters` }));
  }
  const method = record['method'];
  if (typeof method === 'string' && method.length > MAX_METHOD_NAME_LENGTH) {
    return withId(new GatewayError('INVALID_FRAME', { reason: `method name longer than ${MAX_METHOD_NAME_LENGTH} characters` }));
  }
  if (record['type'] !== 'req') {
    return withId(new GatewayError('INVALID_FRAME', { reason: `clients send only "req" frames (got type ${JSON.stringify(record['type'] ?? null)})` }));
  }
  const validator = (requestFrame ??= compileSchema(RequestFrameSchema));
  if (!validator.check(value)) {
    return withId(new GatewayError('INVALID_FRAME', { reason: validator.explain(value) }));
  }
  return { ok: true, frame: value };
}

/**
 * True when the JSON text nests objects/arrays deeper than `maxDepth`. One pass over the characters,
 * no recursion and no allocation, so it is safe on any input (brackets inside strings do not count).
 */
export function jsonDepthExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  let isInString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (isInString) {
      if (code === 0x5c) index++; // backslash: skip the escaped character
      else if (code === 0x22) isInString = false;
      continue;
    }
    if (code === 0x22) isInString = true;
    else if (code === 0x7b || code === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (code === 0x7d || code === 0x5d) depth--;
  }
  return false;
}
