/**
 * @module gateway/http/router — the plain-HTTP side of the gateway port: a small route table.
 *
 * The core contributes its probes (http/routes.ts); features contribute theirs through the feature
 * seam (`httpRoutes`). Exact paths win over prefixes, longer prefixes over shorter ones. A path that
 * exists with another method is 405 with `Allow`; anything else is 404 JSON. A `GET` route also
 * answers `HEAD` (the body is dropped by `writeJson`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '../../protocol/index.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';

export interface HttpRoute {
  readonly method: HttpMethod;
  /** `/health`, or a prefix such as `/ui/` when `isPrefix` is set. */
  readonly path: string;
  readonly isPrefix?: boolean;
  handler(request: IncomingMessage, response: ServerResponse): void | Promise<void>;
}

export class HttpRouter {
  readonly #exact = new Map<string, HttpRoute[]>();
  readonly #prefixes: HttpRoute[] = [];

  constructor(routes: readonly HttpRoute[] = []) {
    for (const route of routes) this.add(route);
  }

  /** Adds a route; the same method and path twice is DUPLICATE_HTTP_ROUTE (at start-up). */
  add(route: HttpRoute): void {
    const existing = route.isPrefix === true ? this.#prefixes.filter((r) => r.path === route.path) : (this.#exact.get(route.path) ?? []);
    if (existing.some((r) => r.method === route.method)) throw new GatewayError('DUPLICATE_HTTP_ROUTE', { method: route.method, path: route.path });
    if (route.isPrefix === true) {
      this.#prefixes.push(route);
      this.#prefixes.sort((a, b) => b.path.length - a.path.length);
      return;
    }
    this.#exact.set(route.path, [...existing, route]);
  }

  /** Serves one request; a handler that throws or rejects is answered 500 without detail. */
  handle(request: IncomingMessage, response: ServerResponse): void {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const method = request.method ?? 'GET';
    const candidates = this.#exact.get(path) ?? this.#longestPrefix(path);
    if (candidates.length === 0) {
      writeJson(response, 404, { ok: false, error: 'not found' });
      return;
    }
    const route = candidates.find((r) => r.method === method) ?? (method === 'HEAD' ? candidates.find((r) => r.method === 'GET') : undefined);
    if (route === undefined) {
      const allow = [...new Set(candidates.flatMap((r) => (r.method === 'GET' ? ['GET', 'HEAD'] : [r.method])))].join(', ');
      writeJson(response, 405, { ok: false, error: 'method not allowed' }, { allow });
      return;
    }
    const fail = (): void => {
      if (!response.headersSent) writeJson(response, 500, { ok: false, error: 'internal error' });
      else response.destroy();
    };
    try {
      const pending = route.handler(request, response);
      if (pending instanceof Promise) pending.catch(fail);
    } catch {
      fail();
    }
  }

  #longestPrefix(path: string): HttpRoute[] {
    const first = this.#prefixes.find((r) => path.startsWith(r.path));
    return first === undefined ? [] : this.#prefixes.filter((r) => r.path === first.path);
  }
}

/** Writes a small JSON answer that is never cached or sniffed; HEAD gets the headers only. */
export function writeJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
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
