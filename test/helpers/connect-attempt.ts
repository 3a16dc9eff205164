/** @module test/helpers/connect-attempt — one full connect attempt over a real socket: challenge, connect, answer, close. */
import type WebSocket from 'ws';
import { connectFrame, openRawSocket } from './raw-socket.js';

export interface ConnectAttempt {
  ok: boolean;
  /** The `res` frame's error, when refused. */
  error: Record<string, any> | undefined;
  /** Close code when the gateway ended the socket (refusals), undefined when it stayed open. */
  closeCode: number | undefined;
}

export interface ConnectAttemptOptions {
  token?: string;
  password?: string;
  /** Extra `connect.params.auth` fields (e.g. a bogus deviceToken). */
  auth?: Record<string, string>;
  /** `ws` client options: origin, headers, localAddress. */
  ws?: WebSocket.ClientOptions;
}

/** Connects once; on success closes the socket itself. */
export async function attemptConnect(url: string, options: ConnectAttemptOptions = {}): Promise<ConnectAttempt> {
  const raw = await openRawSocket(url, options.ws ?? {});
  await raw.waitFor((f) => f['event'] === 'connect.challenge');
  const overrides: Parameters<typeof connectFrame>[0] = {};
  if (options.token !== undefined) overrides.token = options.token;
  if (options.password !== undefined) overrides.password = options.password;
  const frame = connectFrame(overrides) as { params: Record<string, any> };
  if (options.auth !== undefined) frame.params['auth'] = { ...(frame.params['auth'] ?? {}), ...options.auth };
  raw.send(frame);
  const res = await raw.waitFor((f) => f['type'] === 'res' && f['id'] === 'c1');
  if (res['ok'] === true) {
    raw.socket.close();
    return { ok: true, error: undefined, closeCode: undefined };
  }
  const { code } = await raw.closed;
  return { ok: false, error: res['error'] as Record<string, any>, closeCode: code };
}
