/**
 * @module gateway/http/browser-access — the Origin and Host gate, run before a WebSocket upgrade completes.
 *
 * WebSockets skip CORS, so without this any web page the owner visits can open
 * `ws://127.0.0.1:18789` (CVE-2026-25253, "ClawJacked"). Rules, for requests that carry `Origin`
 * (browsers always send it on a WebSocket handshake; non-browser clients do not and are unaffected):
 * 1. an origin listed in `gateway.controlUi.allowedOrigins` is allowed (explicit trust; `"*"` = any);
 * 2. otherwise `Host` must be one of the gateway's own names with its port, or a configured
 *    `gateway.controlUi.allowedHosts` entry — this defeats DNS rebinding, where the page's origin and
 *    Host are both the attacker's name that now resolves to 127.0.0.1;
 * 3. and the origin must be same-origin with that Host (host and port equal).
 * No Host-header fallback mode exists (OpenClaw's `dangerouslyAllowHostHeaderOriginFallback`).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { hostname as osHostname, networkInterfaces } from 'node:os';
import { GatewayError } from '../../protocol/index.js';
import { normalizeIp, parseHostPort, type HostPort } from '../../config/index.js';

export { parseHostPort } from '../../config/index.js';

/** Names a loopback gateway answers to; always included (a tailnet or custom bind listens on 127.0.0.1 too). */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

/** Longest header value quoted back in an error or log line (headers are attacker-controlled). */
const MAX_QUOTED_LENGTH = 200;

export interface BrowserAccessOptions {
  /** `gateway.controlUi.allowedOrigins`. */
  allowedOrigins: readonly string[];
  /** `gateway.controlUi.allowedHosts`: `name` (any port) or `name:port`. */
  allowedHosts: readonly string[];
  /** Addresses the gateway listens on (`0.0.0.0`/`::` mean every interface). */
  listenHosts: readonly string[];
  /** The bound port. */
  port: number;
  /** Injected for tests; defaults to the OS. */
  interfaces?: () => ReturnType<typeof networkInterfaces>;
  hostname?: () => string;
}

/** Decides whether a browser request may open a WebSocket; see the module header. */
export class BrowserAccessPolicy {
  readonly #allowedOrigins: ReadonlySet<string>;
  readonly #allowsAnyOrigin: boolean;
  readonly #ownHosts: ReadonlySet<string>;
  readonly #extraHosts: readonly HostPort[];
  readonly #port: number;

  constructor(options: BrowserAccessOptions) {
    this.#allowedOrigins = new Set(options.allowedOrigins.map(normalizeOrigin));
    this.#allowsAnyOrigin = options.allowedOrigins.some((entry) => entry.trim() === '*');
    this.#port = options.port;
    this.#ownHosts = new Set(ownHostNames(options));
    this.#extraHosts = options.allowedHosts.map(parseHostPort).filter((entry): entry is HostPort => entry !== undefined);
  }

  /** Returns the coded refusal for this upgrade request, or undefined when it may proceed. */
  check(headers: IncomingHttpHeaders): GatewayError | undefined {
    const origin = firstValue(headers['origin']);
    if (origin === undefined) return undefined;
    if (this.#allowsAnyOrigin || this.#allowedOrigins.has(normalizeOrigin(origin))) return undefined;
    const rawHost = firstValue(headers['host']) ?? '';
    const host = parseHostPort(rawHost);
    if (host === undefined || !this.#isOwnHost(host)) {
      return new GatewayError('CONTROL_UI_HOST_NOT_ALLOWED', { host: quote(rawHost), origin: quote(origin) });
    }
    if (!isSameOrigin(origin, host)) return new GatewayError('CONTROL_UI_ORIGIN_NOT_ALLOWED', { origin: quote(origin) });
    return undefined;
  }

  /**
   * The Host half of `check`, for plain HTTP requests (the Control UI's pages carry no Origin on a
   * navigation): Host must be one of the gateway's own names, an allowed host, or the host of an
   * allowed origin. Stops DNS-rebinding pages from reading the UI through the victim's browser.
   */
  checkHost(headers: IncomingHttpHeaders): GatewayError | undefined {
    const rawHost = firstValue(headers['host']) ?? '';
    const host = parseHostPort(rawHost);
    if (host !== undefined && (this.#isOwnHost(host) || this.#isAllowedOriginHost(host))) return undefined;
    return new GatewayError('CONTROL_UI_HOST_NOT_ALLOWED', { host: quote(rawHost), origin: '(none)' });
  }

  #isAllowedOriginHost(host: HostPort): boolean {
    if (this.#allowsAnyOrigin) return false;
    for (const origin of this.#allowedOrigins) {
      const parsed = parseHostPort(origin.replace(/^https?:\/\//, ''));
      if (parsed === undefined || parsed.host !== host.host) continue;
      const defaultPort = origin.startsWith('https:') ? 443 : 80;
      if ((parsed.port ?? defaultPort) === (host.port ?? defaultPort)) return true;
    }
    return false;
  }

  #isOwnHost(host: HostPort): boolean {
    if (this.#ownHosts.has(host.host) && (host.port ?? 80) === this.#port) return true;
    return this.#extraHosts.some((entry) => entry.host === host.host && (entry.port === undefined || entry.port === (host.port ?? 80)));
  }
}

function ownHostNames(options: BrowserAccessOptions): string[] {
  const names = new Set(LOOPBACK_NAMES);
  for (const listenHost of options.listenHosts) {
    if (listenHost === '0.0.0.0' || listenHost === '::') {
      // A wildcard bind answers on every interface address, and people type the machine's name.
      for (const addresses of Object.values((options.interfaces ?? networkInterfaces)())) {
        for (const address of addresses ?? []) names.add(normalizeIp(address.address) ?? address.address);
      }
      names.add((options.hostname ?? osHostname)().toLowerCase());
      continue;
    }
    names.add(normalizeIp(listenHost) ?? listenHost.toLowerCase());
  }
  return [...names];
}


/** Serialized origin (`scheme://host[:port]`, default port dropped, lower case); the raw text when unparseable. */
export function normalizeOrigin(value: string): string {
  const trimmed = value.trim().replace(/\/+$/, '');
  try {
    const url = new URL(trimmed);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin.toLowerCase();
  } catch {
    // Not a URL (e.g. "null"): compared as written.
  }
  return trimmed.toLowerCase();
}

/** Same origin: http(s) origin whose host and port equal the request's Host (the default port by scheme). */
function isSameOrigin(origin: string, host: HostPort): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.username !== '' || url.password !== '' || (url.pathname !== '/' && url.pathname !== '')) return false;
  const defaultPort = url.protocol === 'https:' ? 443 : 80;
  const originHost = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const normalizedOriginHost = normalizeIp(originHost) ?? originHost.toLowerCase();
  const originPort = url.port === '' ? defaultPort : Number(url.port);
  return normalizedOriginHost === host.host && originPort === (host.port ?? defaultPort);
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function quote(value: string): string {
  return value.length > MAX_QUOTED_LENGTH ? `${value.slice(0, MAX_QUOTED_LENGTH)}…` : value;
}
