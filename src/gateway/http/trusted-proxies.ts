/**
 * @module gateway/http/trusted-proxies — which peers may speak for someone else (`gateway.trustedProxies`).
 *
 * Entries are IP literals or CIDRs, IPv4 or IPv6. Anything else stops the gateway at startup with the
 * exact entry: a typo here silently turns every proxied request into "from the proxy", or worse.
 */
import { BlockList, isIP } from 'node:net';
import { GatewayError } from '../../protocol/index.js';

/** A compiled `gateway.trustedProxies` list. */
export class TrustedProxies {
  readonly entries: readonly string[];
  readonly #list = new BlockList();

  /** Compiles `entries`; throws `CONFIG_INVALID` naming the first bad one. */
  constructor(entries: readonly string[] = []) {
    this.entries = [...entries];
    for (const entry of entries) {
      const parsed = parseCidr(entry);
      if (parsed === undefined) {
        throw new GatewayError('CONFIG_INVALID', {
          path: 'gateway.trustedProxies',
          reason: `"${entry}" is not an IP address or CIDR (e.g. 127.0.0.1, 10.0.0.0/8, ::1, fd00::/8)`,
        });
      }
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

export interface ParsedCidr {
  network: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** Parses `a.b.c.d`, `a.b.c.d/n`, `::1`, `fd00::/8`; a bare address is a /32 or /128. */
export function parseCidr(entry: string): ParsedCidr | undefined {
  const [rawAddress, rawPrefix, extra] = entry.trim().split('/');
  if (rawAddress === undefined || extra !== undefined) return undefined;
  const address = normalizeIp(rawAddress);
  if (address === undefined) return undefined;
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  const maxPrefix = family === 'ipv6' ? 128 : 32;
  if (rawPrefix === undefined) return { network: address, prefix: maxPrefix, family };
  if (!/^\d{1,3}$/.test(rawPrefix)) return undefined;
  const prefix = Number(rawPrefix);
  if (prefix > maxPrefix) return undefined;
  return { network: address, prefix, family };
}

/**
 * Canonical spelling of an IP literal: IPv4-mapped IPv6 (`::ffff:1.2.3.4`) becomes IPv4, brackets and
 * zone ids are dropped, IPv6 is lower-cased. Undefined for anything that is not an IP literal — so a
 * forwarded hop like `127.evil.test` or `unknown` never counts as an address.
 */
export function normalizeIp(value: string): string | undefined {
  let text = value.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
  if (mapped?.[1] !== undefined) text = mapped[1];
  const family = isIP(text);
  if (family === 0) return undefined;
  return family === 6 ? text.toLowerCase() : text;
}

/** True for 127.0.0.0/8 and ::1 (after normalization). */
export function isLoopbackIp(address: string): boolean {
  const normalized = normalizeIp(address);
  if (normalized === undefined) return false;
  return normalized === '::1' || /^127\.\d+\.\d+\.\d+$/.test(normalized);
}
