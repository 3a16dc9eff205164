/**
 * @module gateway/tailscale/identity — `gateway.auth.allowTailscale`: trust a Tailscale Serve identity.
 *
 * A WebSocket upgrade counts as a Tailscale user only when all of this holds (OpenClaw
 * `resolveVerifiedTailscaleUser`, docs/gateway/tailscale.md): the TCP peer is loopback (Serve runs on
 * this host), the request carries `tailscale-user-login` and `x-forwarded-for`, and
 * `tailscale whois --json <client ip>` names the same login (case-insensitive). The client IP is the
 * right-most `x-forwarded-for` entry, the one Serve itself appended. Whois answers are cached 60 s
 * (failures 5 s). Anything short of that returns undefined and the normal token/password rules apply.
 *
 * Spawning is bounded (issue 12, hole 3: 300 unauthenticated upgrades with fresh X-Forwarded-For values
 * spawned 300 `tailscale whois` at once): concurrent lookups of one IP share one process, at most
 * MAX_CONCURRENT_WHOIS run at a time (past that the lookup is skipped and token/password rules apply),
 * and the cache holds at most MAX_CACHED_WHOIS addresses.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { TailscaleRunner } from './cli.js';

export interface TailscaleIdentity {
  login: string;
  displayName: string | undefined;
  clientIp: string;
}

export interface TailscaleIdentityOptions {
  run: TailscaleRunner;
  now?: () => number;
  successTtlMs?: number;
  failureTtlMs?: number;
}

/** `tailscale whois` processes running at once; more lookups fall back to token/password auth. */
export const MAX_CONCURRENT_WHOIS = 4;
/** Addresses whose whois answer is cached; the oldest is dropped past this. */
export const MAX_CACHED_WHOIS = 1024;

interface CacheEntry {
  login: string | undefined;
  displayName: string | undefined;
  expiresAtMs: number;
}

export class TailscaleIdentityVerifier {
  readonly #options: TailscaleIdentityOptions;
  readonly #now: () => number;
  readonly #cache = new Map<string, CacheEntry>();
  readonly #inFlight = new Map<string, Promise<CacheEntry>>();

  constructor(options: TailscaleIdentityOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** The verified identity behind an upgrade request, or undefined (then token/password apply). */
  async verify(request: Pick<IncomingMessage, 'headers' | 'socket'>): Promise<TailscaleIdentity | undefined> {
    const peer = request.socket.remoteAddress ?? '';
    if (!isLoopbackPeer(peer)) return undefined;
    const login = singleHeader(request.headers['tailscale-user-login'])?.trim();
    const forwardedFor = singleHeader(request.headers['x-forwarded-for']);
    if (login === undefined || login === '' || forwardedFor === undefined) return undefined;
    const clientIp = forwardedFor.split(',').at(-1)?.trim() ?? '';
    if (isIP(clientIp) === 0) return undefined;
    const whois = await this.#whois(clientIp);
    if (whois.login === undefined || whois.login.toLowerCase() !== login.toLowerCase()) return undefined;
    return { login: whois.login, displayName: whois.displayName, clientIp };
  }

  /** Lookups running right now (tests and health read it). */
  get runningLookups(): number {
    return this.#inFlight.size;
  }

  async #whois(ip: string): Promise<CacheEntry> {
    const cached = this.#cache.get(ip);
    if (cached !== undefined && cached.expiresAtMs > this.#now()) return cached;
    const running = this.#inFlight.get(ip);
    if (running !== undefined) return running;
    if (this.#inFlight.size >= MAX_CONCURRENT_WHOIS) return { login: undefined, displayName: undefined, expiresAtMs: 0 };
    const lookup = this.#lookup(ip).finally(() => this.#inFlight.delete(ip));
    this.#inFlight.set(ip, lookup);
    return lookup;
  }

  async #lookup(ip: string): Promise<CacheEntry> {
    let entry: CacheEntry;
    try {
      const parsed: unknown = JSON.parse((await this.#options.run(['whois', '--json', ip], 5000)).stdout);
      const profile = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)['UserProfile'] : undefined;
      const fields = typeof profile === 'object' && profile !== null ? (profile as Record<string, unknown>) : {};
      const login = typeof fields['LoginName'] === 'string' ? fields['LoginName'].trim() : undefined;
      const displayName = typeof fields['DisplayName'] === 'string' ? fields['DisplayName'] : undefined;
      entry = { login, displayName, expiresAtMs: this.#now() + (this.#options.successTtlMs ?? 60_000) };
    } catch {
      entry = { login: undefined, displayName: undefined, expiresAtMs: this.#now() + (this.#options.failureTtlMs ?? 5000) };
    }
    this.#cache.delete(ip);
    if (this.#cache.size >= MAX_CACHED_WHOIS) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    this.#cache.set(ip, entry);
    return entry;
  }
}

function isLoopbackPeer(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}
