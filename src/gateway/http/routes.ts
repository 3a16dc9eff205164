/**
 * @module gateway/http/routes — the core's HTTP routes: unauthenticated probes that reveal nothing secret.
 *
 * `GET|HEAD /health` (`/healthz`) says the process is live; `/readyz` (`/ready`) that it accepts
 * connections and that every feature reports ready (a channel that lost its bot token is "not ready";
 * only feature names are shown, never the reason, which may name accounts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { writeJson, type HttpRoute } from './router.js';

export interface HttpProbeState {
  isReady: () => boolean;
  isDraining: () => boolean;
  /** Names of features that report not ready (default: none). */
  notReadyFeatures?: () => string[];
}

/** The probe routes, for the gateway's router. */
export function createProbeRoutes(state: HttpProbeState): HttpRoute[] {
  const live = (_request: IncomingMessage, response: ServerResponse): void => writeJson(response, 200, { ok: true, status: 'live' });
  const ready = (_request: IncomingMessage, response: ServerResponse): void => {
    if (state.isDraining()) return writeJson(response, 503, { ok: false, status: 'draining' });
    if (!state.isReady()) return writeJson(response, 503, { ok: false, status: 'starting' });
    const notReady = state.notReadyFeatures?.() ?? [];
    if (notReady.length > 0) return writeJson(response, 503, { ok: false, status: 'not ready', features: notReady });
    writeJson(response, 200, { ok: true, status: 'ready' });
  };
  return ['/health', '/healthz'].map((path): HttpRoute => ({ method: 'GET', path, handler: live })).concat(
    ['/ready', '/readyz'].map((path): HttpRoute => ({ method: 'GET', path, handler: ready })),
  );
}
