/**
 * @module config/network-address — pure parsing of the addresses config holds: IP literals, CIDRs,
 * `host[:port]` names and the loopback test.
 *
 * Both the gateway (binding, proxy trust, the browser gate) and the cold security audit read these
 * config entries; keeping the parsing here lets the audit check a config without loading the gateway.
 */
import { isIP } from 'node:net';

/** True for `localhost`, `::1` and 127.0.0.0/8 written as a dotted quad. */
export function isLoopbackHost(host: string): boolean {
  return host === '::1' || host === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host);
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

export interface HostPort {
  host: string;
  port: number | undefined;
}

/** Parses a `Host` header or config entry (`name`, `name:port`, `[v6]:port`); undefined for anything malformed. */
export function parseHostPort(value: string): HostPort | undefined {
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(value.trim());
  if (match?.[1] === undefined) return undefined;
  const rawHost = match[1].startsWith('[') ? match[1].slice(1, -1) : match[1];
  const host = normalizeIp(rawHost) ?? rawHost.toLowerCase().replace(/\.$/, '');
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && port > 65535) return undefined;
  return { host, port };
}
