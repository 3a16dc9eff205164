/**
 * @module channels/telegram/webhook — the local listener Telegram posts updates to (webhook mode).
 *
 * As OpenClaw (A6): `POST <webhookPath>` must carry `X-Telegram-Bot-Api-Secret-Token` equal to
 * `webhookSecret` (compared in constant time) or gets `401 unauthorized`; a valid update is
 * committed to the ingress store and only then acknowledged (`200`, header
 * `x-openclaw-delivery-accepted: durable`), and the turn runs after the answer, so a slow turn never
 * holds Telegram's request. `GET /healthz` answers `200 ok`; anything else is 404.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StoredUpdate, TelegramIngressStore } from './ingress-store.js';
import type { TelegramWebhookSettings } from './settings.js';

/** Telegram's updates are small; anything bigger is not from Telegram. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface WebhookListener {
  readonly port: number;
  close(): Promise<void>;
}

export async function startWebhookListener(options: {
  settings: TelegramWebhookSettings;
  store: TelegramIngressStore;
  onUpdates(updates: StoredUpdate[]): void;
  onRequest(): void;
}): Promise<WebhookListener> {
  const expected = Buffer.from(options.settings.secret);
  const server: Server = createServer((req, res) => void handle(req, res));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return end(res, 200, 'ok');
    if (path !== options.settings.path) return end(res, 404, 'not found');
    if (req.method !== 'POST') return end(res, 404, 'not found');
    const header = req.headers['x-telegram-bot-api-secret-token'];
    const given = Buffer.from(typeof header === 'string' ? header : '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return end(res, 401, 'unauthorized');
    let update: unknown;
    try {
      update = JSON.parse(await readBody(req));
    } catch {
      return end(res, 400, 'bad request');
    }
    if (typeof update !== 'object' || update === null || typeof (update as { update_id?: unknown }).update_id !== 'number') return end(res, 400, 'bad request');
    options.onRequest();
    let fresh: StoredUpdate[];
    try {
      fresh = options.store.enqueue([update as Record<string, unknown>]);
    } catch {
      // Not durable: Telegram must retry later.
      return end(res, 503, 'unavailable');
    }
    res.setHeader('x-openclaw-delivery-accepted', 'durable');
    end(res, 200, '');
    if (fresh.length > 0) options.onUpdates(fresh);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.settings.port, options.settings.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function end(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
