/**
 * @module test/helpers/fake-openclaw — a minimal stand-in for an OpenClaw gateway's wire contract
 * (challenge → connect → hello-ok, then scripted method answers), for client behaviour that Clawgate's
 * own gateway does not exercise, such as the two-stage `agent` response. Real-OpenClaw checks live in
 * test/compat (npm run interop).
 */
import { WebSocketServer, type WebSocket } from 'ws';

export type FakeHandler = (params: unknown, reply: (frame: Record<string, unknown>) => void, id: string) => void;

export interface FakeOpenClaw {
  url: string;
  /** Every request received after connect: method and params. */
  requests: { method: string; params: unknown }[];
  close(): Promise<void>;
}

export async function startFakeOpenClaw(handlers: Record<string, FakeHandler>, token: string): Promise<FakeOpenClaw> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const requests: { method: string; params: unknown }[] = [];
  server.on('connection', (socket: WebSocket) => {
    socket.send(JSON.stringify({ type: 'event', event: 'connect.challenge', payload: { nonce: 'n-1', ts: Date.now() } }));
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { id: string; method: string; params?: any };
      const reply = (response: Record<string, unknown>): void => socket.send(JSON.stringify({ type: 'res', id: frame.id, ...response }));
      if (frame.method === 'connect') {
        if (frame.params?.auth?.token !== token) {
          reply({ ok: false, error: { code: 'INVALID_REQUEST', message: 'unauthorized: gateway token mismatch', details: { code: 'AUTH_TOKEN_MISMATCH' } } });
          socket.close(1008, 'unauthorized');
          return;
        }
        reply({
          ok: true,
          payload: {
            type: 'hello-ok',
            protocol: 4,
            server: { version: '2026.9.6', connId: 'fake' },
            features: { methods: Object.keys(handlers), events: ['tick'] },
            snapshot: { presence: [], health: {}, stateVersion: { presence: 1, health: 1 }, uptimeMs: 1 },
            auth: { role: 'operator', scopes: frame.params.scopes ?? [] },
            policy: { maxPayload: 26214400, maxBufferedBytes: 52428800, tickIntervalMs: 30000 },
          },
        });
        return;
      }
      requests.push({ method: frame.method, params: frame.params });
      const handler = handlers[frame.method];
      if (handler === undefined) reply({ ok: false, error: { code: 'INVALID_REQUEST', message: `unknown method: ${frame.method}` } });
      else handler(frame.params, reply, frame.id);
    });
  });
  const address = server.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${address.port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
