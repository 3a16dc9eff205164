/**
 * @module gateway/http/trusted-proxies — which peers may speak for someone else (`gateway.trustedProxies`).
 *
 * Entries are IP literals or CIDRs, IPv4 or IPv6. Anything else stops the gateway at startup with the
 * exact entry: a typo here silently turns every proxied request into "from the proxy", or worse.
 */
import { BlockList, isIP } from 'node:net';
import { normalizeIp, parseTrustedProxy } from '../../config/index.js';

export { normalizeIp, parseCidr, type ParsedCidr } from '../../config/index.js';

/** A compiled `gateway.trustedProxies` list. */
export class TrustedProxies {
  readonly entries: readonly string[];
  readonly #list = new BlockList();

  /** Compiles `entries`; throws `CONFIG_INVALID` naming the first bad one. */
  constructor(entries: readonly string[] = []) {
    this.entries = [...entries];
    for (const entry of entries) {
      const parsed = parseTrustedProxy(entry);
      this.#list.addSubnet(parsed.network, parsed.prefix, parsed.family);
    }
  }

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /** True when `address` (any spelling: `::ffff:`-mapped, zone id) is a trusted proxy. */
  has(address: string): boolean {
    if (this.entries.length === 0) return false;
    const normalized = normalizeIp(address);
    if (normalized === undefined) return false;
    return this.#list.check(normalized, isIP(normalized) === 6 ? 'ipv6' : 'ipv4');
  }
}

/** True for 127.0.0.0/8 and ::1 (after normalization). */
export function isLoopbackIp(address: string): boolean {
  const normalized = normalizeIp(address);
  if (normalized === undefined) return false;
  return normalized === '::1' || /^127\.\d+\.\d+\.\d+$/.test(normalized);
}
