/**
 * @module test/helpers/device — a device with its own Ed25519 identity connecting over a real
 * socket: waits for the challenge, signs the v3 payload over its nonce, sends `connect`.
 */
import { createDeviceIdentity, signDeviceProof, type DeviceIdentity } from '../../src/client/index.js';
import { signatureToken } from '../../src/protocol/index.js';
import { openRawSocket, type RawSocket } from './raw-socket.js';

export interface DeviceConnectOptions {
  identity: DeviceIdentity;
  role?: 'operator' | 'node';
  scopes?: string[];
  auth?: { token?: string; deviceToken?: string; bootstrapToken?: string; password?: string };
  client?: Record<string, unknown>;
  /** Tamper with the signed block before sending (to test each refusal). */
  mutateDevice?: (device: Record<string, unknown>) => void;
  /** Sign with this clock instead of the challenge ts. */
  signedAtMs?: number;
}

export interface DeviceConnection {
  raw: RawSocket;
  /** The connect response frame. */
  res: Record<string, any>;
  ok: boolean;
  hello: Record<string, any> | undefined;
  error: Record<string, any> | undefined;
}

export { createDeviceIdentity, type DeviceIdentity };

/** Opens a socket and connects as a device; resolves with the connect response (the socket stays as the server left it). */
export async function connectDevice(url: string, options: DeviceConnectOptions): Promise<DeviceConnection> {
  const raw = await openRawSocket(url);
  const challenge = await raw.waitFor((f) => f['event'] === 'connect.challenge');
  const { nonce, ts } = challenge['payload'] as { nonce: string; ts: number };
  const role = options.role ?? 'operator';
  const scopes = options.scopes ?? [];
  const client = { id: role === 'node' ? 'node-host' : 'openclaw-android', version: 'test', platform: 'linux', deviceFamily: 'Linux', mode: role === 'node' ? 'node' : 'ui', ...options.client };
  const device = signDeviceProof(options.identity, {
    clientId: String(client.id),
    clientMode: String(client.mode),
    role,
    scopes,
    signedAtMs: options.signedAtMs ?? ts,
    token: signatureToken(options.auth),
    nonce,
    platform: String(client.platform),
    deviceFamily: client.deviceFamily === undefined ? undefined : String(client.deviceFamily),
  }) as unknown as Record<string, unknown>;
  options.mutateDevice?.(device);
  raw.send({
    type: 'req',
    id: 'c1',
    method: 'connect',
    params: { minProtocol: 4, maxProtocol: 4, client, role, scopes, ...(options.auth === undefined ? {} : { auth: options.auth }), device },
  });
  const res = (await raw.waitFor((f) => f['type'] === 'res' && f['id'] === 'c1')) as Record<string, any>;
  return { raw, res, ok: res['ok'] === true, hello: res['payload'], error: res['error'] };
}

let requestCounter = 0;

/** Sends one request on a ready socket and resolves with its response frame. */
export async function request(raw: RawSocket, method: string, params: unknown = {}): Promise<Record<string, any>> {
  const id = `r${++requestCounter}`;
  raw.send({ type: 'req', id, method, params });
  return (await raw.waitFor((f) => f['type'] === 'res' && f['id'] === id)) as Record<string, any>;
}
