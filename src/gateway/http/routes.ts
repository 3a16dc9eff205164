/**
 * @module gateway/http/routes — the plain-HTTP side of the gateway port.
 *
 * Unauthenticated probes only, and they reveal nothing secret: `GET|HEAD /health` (`/healthz`) says the
 * process is live, `/readyz` (`/ready`) that it accepts connections. Everything else is 404 JSON.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface HttpProbeState {
  isReady: () => boolean;
  isDraining: () => boolean;
}

/** Handles one non-upgrade HTTP request. */
export function handleHttpRequest(request: IncomingMessage, response: ServerResponse, state: HttpProbeState): void {
  const path = (request.url ?? '/').split('?')[0];
  const method = request.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    writeJson(response, 405, { ok: false, error: 'method not allowed' }, { allow: 'GET, HEAD' });
    return;
  }
  switch (path) {
    case '/health':
    case '/healthz':
      writeJson(response, 200, { ok: true, status: 'live' });
      return;
    case '/ready':
    case '/readyz': {
      if (state.isDraining()) writeJson(response, 503, { ok: false, status: 'draining' });
      else if (!state.isReady()) writeJson(response, 503, { ok: false, status: 'starting' });
      else writeJson(response, 200, { ok: true, status: 'ready' });
      return;
    }
    default:
      writeJson(response, 404, { ok: false, error: 'not found' });
  }
}

function writeJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  response.end(response.req.method === 'HEAD' ? undefined : text);
}
