/**
 * @module test/helpers/frame-recorder — record every frame a `ws` socket receives (and the requests it
 * sends), so any test can check afterwards that everything the gateway sent conforms to the protocol.
 *
 * Attach before the socket opens (`openRecordedSocket`) to catch the `connect.challenge`, or attach
 * to an existing socket with `recordFrames`. Both directions are kept: outgoing request ids tell the
 * validator which method a `res` answers.
 */
import WebSocket from 'ws';
import { formatViolations, type ProtocolSchema, type SchemaViolation } from './protocol-schema.js';

export interface RecordedFrame {
  /** Text as received (binary frames are recorded as base64 and flagged). */
  text: string;
  isBinary: boolean;
  /** Parsed JSON, or undefined when the text is not JSON. */
  frame: Record<string, unknown> | undefined;
  receivedAtMs: number;
}

export interface FrameRecorder {
  /** Server→client frames, in arrival order. */
  readonly received: RecordedFrame[];
  /** Request id → method for every `req` frame this socket sent. */
  readonly requests: Map<string, string>;
  /** Close code and reason once the socket closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Parsed server frames only. */
  frames(): Record<string, unknown>[];
  /** Resolves with the first parsed frame matching `predicate`, already received or arriving within `timeoutMs`. */
  waitFor(predicate: (frame: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Every schema violation across all received frames (binary or non-JSON frames count as violations). */
  violations(schema: ProtocolSchema): { frame: RecordedFrame; violations: SchemaViolation[] }[];
  /** Throws with a readable report when any received frame violates the schema. */
  assertConforms(schema: ProtocolSchema): void;
  /** Stops recording (listeners removed, `send` restored). */
  detach(): void;
}

/** Starts recording frames on a socket (any state). Outgoing text frames are inspected for request ids. */
export function recordFrames(socket: WebSocket): FrameRecorder {
  const received: RecordedFrame[] = [];
  const requests = new Map<string, string>();
  const waiters = new Set<{ predicate: (frame: Record<string, unknown>) => boolean; resolve: (frame: Record<string, unknown>) => void }>();
  const onMessage = (data: WebSocket.RawData, isBinary: boolean): void => {
    const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data);
    const text = isBinary ? buffer.toString('base64') : buffer.toString('utf8');
    const frame = isBinary ? undefined : parseObject(text);
    received.push({ text, isBinary, frame, receivedAtMs: Date.now() });
    if (frame === undefined) return;
    for (const waiter of waiters) {
      if (!waiter.predicate(frame)) continue;
      waiters.delete(waiter);
      waiter.resolve(frame);
    }
  };
  socket.on('message', onMessage);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });

  const originalSend = socket.send;
  const patchedSend = function patchedSend(this: WebSocket, data: unknown, ...rest: unknown[]): void {
    if (typeof data === 'string') {
      const frame = parseObject(data);
      if (frame?.['type'] === 'req' && typeof frame['id'] === 'string' && typeof frame['method'] === 'string') {
        requests.set(frame['id'], frame['method']);
      }
    }
    (originalSend as (...args: unknown[]) => void).call(this, data, ...rest);
  };
  socket.send = patchedSend as typeof socket.send;

  const recorder: FrameRecorder = {
    received,
    requests,
    closed,
    frames: () => received.flatMap((entry) => (entry.frame === undefined ? [] : [entry.frame])),
    waitFor: (predicate, timeoutMs = 5000) => {
      const found = recorder.frames().find(predicate);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (frame: Record<string, unknown>) => {
            clearTimeout(timer);
            resolve(frame);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for a frame; got: ${received.map((r) => r.text.slice(0, 120)).join(' | ')}`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    violations: (schema) =>
      received.flatMap((entry) => {
        if (entry.isBinary) return [{ frame: entry, violations: [{ definition: 'frame', at: '', errors: ['server sent a binary frame'] }] }];
        if (entry.frame === undefined) return [{ frame: entry, violations: [{ definition: 'frame', at: '', errors: ['not a JSON object'] }] }];
        const violations = schema.checkServerFrame(entry.frame, requests);
        return violations.length === 0 ? [] : [{ frame: entry, violations }];
      }),
    assertConforms: (schema) => {
      const bad = recorder.violations(schema);
      if (bad.length === 0) return;
      const report = bad.map(({ frame, violations }) => formatViolations(violations, frame.frame ?? frame.text)).join('\n\n');
      throw new Error(`${bad.length} of ${received.length} frames violate protocol.schema.json ${schema.version}:\n${report}`);
    },
    detach: () => {
      socket.off('message', onMessage);
      socket.send = originalSend;
    },
  };
  return recorder;
}

/** Opens a socket with the recorder attached before the upgrade completes (so the challenge is kept). */
export async function openRecordedSocket(url: string, options: WebSocket.ClientOptions = {}): Promise<{ socket: WebSocket; recorder: FrameRecorder }> {
  const socket = new WebSocket(url, { perMessageDeflate: false, ...options });
  const recorder = recordFrames(socket);
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
  });
  return { socket, recorder };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
