/**
 * @module test/helpers/raw-socket — a bare `ws` client that records every frame, for tests that
 * must send what a well-behaved client never would (bad JSON, wrong first frame, oversize frames).
 */
import WebSocket from 'ws';

export interface RawSocket {
  socket: WebSocket;
  /** Parsed frames received so far. */
  frames: Record<string, unknown>[];
  /** Resolves with the first frame matching `predicate` (already received or arriving later). */
  waitFor(predicate: (frame: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves when the socket closes, with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  send(value: unknown): void;
  sendText(text: string): void;
}

export async function openRawSocket(url: string, options: WebSocket.ClientOptions = {}): Promise<RawSocket> {
  const socket = new WebSocket(url, { perMessageDeflate: false, ...options });
  const frames: Record<string, unknown>[] = [];
  const waiters: { predicate: (f: Record<string, unknown>) => boolean; resolve: (f: Record<string, unknown>) => void }[] = [];
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Record<string, unknown>;
    frames.push(frame);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(frame)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      }
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  return {
    socket,
    frames,
    closed,
    send: (value) => socket.send(JSON.stringify(value)),
    sendText: (text) => socket.send(text),
    waitFor: (predicate, timeoutMs = 5000) => {
      const found = frames.find(predicate);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timed out waiting for frame')), timeoutMs);
        waiters.push({ predicate, resolve: (f) => { clearTimeout(timer); resolve(f); } });
      });
    },
  };
}

/** A valid `connect` request as the OpenClaw CLI sends it. */
export function connectFrame(overrides: { id?: string; token?: string; password?: string; scopes?: string[]; role?: string; params?: Record<string, unknown> } = {}): Record<string, unknown> {
  const auth: Record<string, string> = {};
  if (overrides.token !== undefined) auth['token'] = overrides.token;
  if (overrides.password !== undefined) auth['password'] = overrides.password;
  return {
    type: 'req',
    id: overrides.id ?? 'c1',
    method: 'connect',
    params: {
      minProtocol: 4,
      maxProtocol: 4,
      client: { id: 'cli', version: 'test', platform: 'linux', mode: 'cli' },
      caps: [],
      role: overrides.role ?? 'operator',
      scopes: overrides.scopes ?? ['operator.read'],
      ...(Object.keys(auth).length > 0 ? { auth } : {}),
      ...overrides.params,
    },
  };
}

/** Opens a socket, waits for the challenge, connects, and returns once hello-ok arrived. */
export async function openAuthenticatedSocket(url: string, token: string, scopes: string[] = ['operator.read']): Promise<RawSocket> {
  const raw = await openRawSocket(url);
  await raw.waitFor((f) => f['event'] === 'connect.challenge');
  raw.send(connectFrame({ token, scopes }));
  const res = await raw.waitFor((f) => f['type'] === 'res' && f['id'] === 'c1');
  if (res['ok'] !== true) throw new Error(`connect failed: ${JSON.stringify(res['error'])}`);
  return raw;
}
