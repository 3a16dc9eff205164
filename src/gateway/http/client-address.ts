/**
 * @module gateway/http/client-address — who is really on the other end of a request.
 *
 * OpenClaw's worst incidents came from "the peer is 127.0.0.1, so it is the owner": a same-host reverse
 * proxy and a browser tab are loopback too (security lessons §1.2, §1.4). So:
 * - forwarded headers (`Forwarded`, `X-Forwarded-*`, `X-Real-IP`) are ignored unless the peer is a
 *   trusted proxy; from one, the client is the right-most `X-Forwarded-For` hop that is neither a trusted
 *   proxy nor loopback (loopback hops are same-host hops or spoofed, never the client: PR #46800);
 * - any forwarded header at all cancels "local", whoever sent it;
 * - a request with an `Origin` header comes from a browser, whatever its address.
 * `X-Real-IP` is never used for attribution: proxies commonly pass a client-supplied one through.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { isLoopbackIp, normalizeIp, type TrustedProxies } from './trusted-proxies.js';

/** The parts of an upgrade request this module reads. */
export interface ClientRequestLike {
  readonly headers: IncomingHttpHeaders;
  readonly socket: { readonly remoteAddress?: string | undefined };
}

export interface ResolvedClientAddress {
  /** The client's address: the peer, or the attributed hop when the peer is a trusted proxy. */
  address: string;
  /** The TCP peer (the proxy, when there is one). */
  peerAddress: string;
  /** Peer is loopback and nothing claims the request was forwarded. Never true through a proxy. */
  isLocal: boolean;
  /** The request carries an `Origin` header: a browser (or something posing as one) sent it. */
  isBrowser: boolean;
  /** The `Origin` header as sent, when present. */
  origin: string | undefined;
  /** Forwarding headers are present (whether or not they were believed). */
  isForwarded: boolean;
  /** `address` came from a trusted proxy's forwarding headers. */
  isProxied: boolean;
  /** Arrived on the owner socket (config/owner-socket.ts): only the owner's uid can connect there. */
  isOwnerChannel?: boolean;
}

/** The client address of a connection on the owner socket (a Unix socket has no IP). */
export function ownerChannelAddress(origin: string | undefined): ResolvedClientAddress {
  return { address: 'owner-socket', peerAddress: 'owner-socket', isLocal: true, isBrowser: origin !== undefined, origin, isForwarded: false, isProxied: false, isOwnerChannel: true };
}

/** Headers that say "this request was relayed"; any one of them cancels locality. */
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'x-real-ip', 'via'];

/** Resolves the client address of `request` under `trustedProxies` (see the module header for the rules). */
export function resolveClientAddress(request: ClientRequestLike, trustedProxies: TrustedProxies): ResolvedClientAddress {
  const rawPeer = request.socket.remoteAddress ?? 'unknown';
  const peerAddress = normalizeIp(rawPeer) ?? rawPeer;
  const origin = headerValue(request.headers, 'origin');
  const isForwarded = FORWARDING_HEADERS.some((name) => request.headers[name] !== undefined);
  const isBrowser = origin !== undefined;
  const base = { peerAddress, origin, isBrowser, isForwarded };
  if (!trustedProxies.has(peerAddress)) {
    return { ...base, address: peerAddress, isLocal: isLoopbackIp(peerAddress) && !isForwarded, isProxied: false };
  }
  const attributed = attributeForwardedClient(request.headers, trustedProxies);
  if (attributed === undefined) {
    // A trusted proxy that names no client: fail closed to the proxy itself, and never local.
    return { ...base, address: peerAddress, isLocal: false, isProxied: false };
  }
  return { ...base, address: attributed, isLocal: false, isProxied: true };
}

/**
 * The right-most hop that is not a trusted proxy and not loopback, from `X-Forwarded-For` (or RFC 7239
 * `Forwarded: for=` when there is no XFF). A hop that is not an IP literal ends the walk unattributed:
 * the proxy that should have written it did not.
 */
export function attributeForwardedClient(headers: IncomingHttpHeaders, trustedProxies: TrustedProxies): string | undefined {
  const hops = forwardedHops(headers);
  let leftMostValid: string | undefined;
  for (let index = hops.length - 1; index >= 0; index--) {
    const hop = normalizeIp(hops[index] ?? '');
    if (hop === undefined) return undefined;
    if (trustedProxies.has(hop) || isLoopbackIp(hop)) {
      leftMostValid = hop;
      continue;
    }
    return hop;
  }
  // Every hop is a proxy or loopback (e.g. the owner's own browser through the local proxy).
  return leftMostValid;
}

function forwardedHops(headers: IncomingHttpHeaders): string[] {
  const xff = headerValues(headers, 'x-forwarded-for');
  if (xff.length > 0) return xff.flatMap((value) => value.split(',')).map((hop) => stripPort(hop.trim()));
  const forwarded = headerValues(headers, 'forwarded');
  const hops: string[] = [];
  for (const element of forwarded.flatMap((value) => value.split(','))) {
    for (const pair of element.split(';')) {
      const match = /^\s*for\s*=\s*"?([^"]*)"?\s*$/i.exec(pair);
      if (match?.[1] !== undefined) hops.push(stripPort(match[1]));
    }
  }
  return hops;
}

/** `1.2.3.4:5678` → `1.2.3.4`; `[::1]:80` → `::1`; bare IPv6 is left alone. */
function stripPort(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed?.[1] !== undefined) return bracketed[1];
  const v4WithPort = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(hop);
  if (v4WithPort?.[1] !== undefined) return v4WithPort[1];
  return hop;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function headerValues(headers: IncomingHttpHeaders, name: string): string[] {
  const value = headers[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
