/**
 * @module control-ui/feature — the Control UI as a gateway feature: the built SPA served from the
 * gateway's own port under `gateway.controlUi.basePath` (default `/`).
 *
 * Each request passes the same Host check as the WebSocket upgrade (DNS rebinding), then gets a
 * file from the lazily built index (static-index.ts), or `index.html` for any other path below the
 * base (SPA fallback; a missing `assets/` file is a plain 404, never HTML). Every response carries
 * the strict CSP and friends (headers.ts). `gateway.controlUi.enabled: false` turns it into 404s.
 */
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createGzip } from 'node:zlib';
import { writeJson, type FeatureContext, type GatewayFeature } from '../gateway/index.js';
import { cacheControl, securityHeaders } from './headers.js';
import { buildStaticIndex, findUiRoot, type StaticIndex } from './static-index.js';

export interface ControlUiFeatureOptions {
  /** Directory of the built UI (default: dist/webui found next to the running code). */
  root?: string;
}

/** Builds the Control UI feature; registered in daemon/features.ts. */
export function createControlUiFeature(options: ControlUiFeatureOptions = {}): GatewayFeature {
  let context: FeatureContext | undefined;
  let index: StaticIndex | undefined;
  let isMissing = false;
  const loadIndex = (basePath: string): StaticIndex | undefined => {
    if (index !== undefined || isMissing) return index;
    const root = findUiRoot(options.root === undefined ? undefined : [options.root]);
    if (root === undefined) {
      isMissing = true;
      context?.logger.warn('control UI requested but not built (npm run build:ui)');
      return undefined;
    }
    index = buildStaticIndex(root, basePath);
    return index;
  };
  return {
    name: 'control-ui',
    httpRoutes: [{ method: 'GET', path: '/', isPrefix: true, handler: serveControlUi }],
    onReady(ready) {
      context = ready;
    },
  };

  function serveControlUi(request: IncomingMessage, response: ServerResponse): void {
    const settings = context?.config.config.gateway?.controlUi;
    if (context === undefined || settings?.enabled === false) return writeJson(response, 404, { ok: false, error: 'not found' });
    const basePath = normalizeBasePath(settings?.basePath);
    const path = (request.url ?? '/').split(/[?#]/)[0] ?? '/';
    if (basePath !== '/' && !path.startsWith(`${basePath}/`)) {
      if (path === basePath) return redirect(response, `${basePath}/`);
      return writeJson(response, 404, { ok: false, error: 'not found' });
    }
    const refusal = context.browserAccess.checkHost(request.headers);
    if (refusal !== undefined) {
      return writeJson(response, 421, { ok: false, error: { code: refusal.code, message: refusal.message } });
    }
    const headers = securityHeaders(request.headers.host ?? '');
    const loaded = loadIndex(basePath);
    if (loaded === undefined) return writeJson(response, 503, { ok: false, error: 'control UI not built: run npm run build:ui' }, headers);
    const rest = path.slice(basePath === '/' ? 1 : basePath.length + 1);
    const entry = loaded.files.get(safeDecode(rest));
    if (entry !== undefined) {
      const cache = cacheControl(entry.isImmutable);
      // Text assets go gzipped when the browser takes it (a phone over Tailscale: 75 KB, not 250 KB).
      if (isCompressible(entry.type) && acceptsGzip(request)) {
        response.writeHead(200, { ...headers, 'content-type': entry.type, 'content-encoding': 'gzip', vary: 'accept-encoding', 'cache-control': cache });
        if (request.method === 'HEAD') return void response.end();
        createReadStream(entry.path).on('error', () => response.destroy()).pipe(createGzip()).pipe(response);
        return;
      }
      response.writeHead(200, { ...headers, 'content-type': entry.type, 'content-length': entry.size, vary: 'accept-encoding', 'cache-control': cache });
      if (request.method === 'HEAD') return void response.end();
      createReadStream(entry.path).on('error', () => response.destroy()).pipe(response);
      return;
    }
    // A stale tab asking for an old hashed file must not get HTML back under a script's name.
    if (rest.startsWith('assets/') || /\.[a-z0-9]{1,5}$/i.test(rest)) return writeJson(response, 404, { ok: false, error: 'not found' }, headers);
    response.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8', 'content-length': loaded.indexHtml.length, 'cache-control': cacheControl(false) });
    response.end(request.method === 'HEAD' ? undefined : loaded.indexHtml);
  }
}

/** `/`, or `/prefix` without a trailing slash. */
export function normalizeBasePath(value: string | undefined): string {
  const trimmed = (value ?? '/').trim().replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

function isCompressible(type: string): boolean {
  return type.startsWith('text/') || type.startsWith('application/json') || type === 'image/svg+xml';
}

function acceptsGzip(request: IncomingMessage): boolean {
  const header = request.headers['accept-encoding'];
  return typeof header === 'string' && /\bgzip\b/i.test(header) && !/\bgzip;\s*q=0(\.0+)?\b/i.test(header);
}

function redirect(response: ServerResponse, location: string): void {
  response.writeHead(308, { location, 'content-length': 0, 'cache-control': 'no-store' });
  response.end();
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
