/**
 * @module gateway/pairing/limiter-key — one canonical rate-limit key per attacker, whatever the spelling.
 *
 * Measured on the old keys (issue 12, hole 2): every spelling of one Origin (case, trailing slash,
 * leading zeros in the port, integer/octal/hex forms of 127.0.0.1) and every loopback source address
 * (127.x.y.z) got a fresh bucket, over 100,000 guesses a minute. So:
 * - an Origin is reduced to the WHATWG URL origin (`new URL(...).origin`): scheme and host lower-case,
 *   IPv4 in dotted form, default port dropped, no path; anything unparseable is one `invalid` key;
 * - every loopback address is the same source (`loopback`): anyone on this host can pick any 127/8
 *   address; an IPv6 client is keyed by its /64, which one host typically holds whole.
 */
import { isIP } from 'node:net';
import { isLoopbackIp, normalizeIp } from '../http/trusted-proxies.js';

/** The canonical form of an `Origin` header value (`null` and garbage map to fixed keys). */
export function canonicalOrigin(origin: string | undefined): string {
  if (origin === undefined) return 'none';
  const trimmed = origin.trim();
  if (trimmed.toLowerCase() === 'null') return 'null';
  try {
    const parsed = new URL(trimmed);
    return parsed.origin === 'null' ? `opaque:${parsed.protocol}` : parsed.origin;
  } catch {
    return 'invalid';
  }
}

/** The canonical source of a client address: `loopback`, an IPv4 address, or an IPv6 /64 prefix. */
export function canonicalSource(address: string): string {
  const normalized = normalizeIp(address);
  if (normalized === undefined) return `other:${address.slice(0, 64)}`;
  if (isLoopbackIp(normalized)) return 'loopback';
  if (isIP(normalized) === 4) return normalized;
  return `${expandIpv6(normalized).slice(0, 4).join(':')}::/64`;
}

/** The eight hextets of an IPv6 address (`::` expanded), lower-case, without leading zeros. */
function expandIpv6(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...right].map((part) => (part.replace(/^0+(?=.)/, '') || '0').toLowerCase());
}
