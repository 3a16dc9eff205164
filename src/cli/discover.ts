/**
 * @module cli/discover — browse the local network for `_openclaw-gw._tcp` gateways (mDNS / DNS-SD).
 *
 * One PTR query per IPv4 interface (multicast-dns, loaded on first use), answers collected for
 * `timeoutMs`. A beacon's URL is built from the SRV target's resolved address and the SRV port, never
 * from TXT (unauthenticated hints, shown as such), as OpenClaw's clients do.
 */
import { networkInterfaces } from 'node:os';

export const DISCOVERY_QUERY_NAME = '_openclaw-gw._tcp.local';

/** One advertised gateway. */
export interface GatewayBeacon {
  /** `Clawgate on box._openclaw-gw._tcp.local`. */
  instanceName: string;
  host: string | undefined;
  port: number | undefined;
  addresses: string[];
  /** TXT hints (unauthenticated). */
  txt: Record<string, string>;
  /** `ws[s]://<address>:<port>` from SRV + A, when both arrived. */
  wsUrl: string | undefined;
}

interface Record_ {
  name: string;
  type: string;
  data: unknown;
}

function asRecords(value: unknown): Record_[] {
  if (!Array.isArray(value)) return [];
  return value.filter((entry): entry is Record_ => typeof entry === 'object' && entry !== null && typeof (entry as Record_).name === 'string' && typeof (entry as Record_).type === 'string');
}

function decodeTxt(data: unknown): Record<string, string> {
  const chunks = Array.isArray(data) ? data : [data];
  const txt: Record<string, string> = {};
  for (const chunk of chunks) {
    const text = Buffer.isBuffer(chunk) ? chunk.toString('utf8') : typeof chunk === 'string' ? chunk : '';
    const equals = text.indexOf('=');
    if (equals > 0) txt[text.slice(0, equals)] = text.slice(equals + 1);
  }
  return txt;
}

/** Folds mDNS response records into beacons (pure; exported for tests). */
export function collectBeacons(records: readonly Record_[]): GatewayBeacon[] {
  const instances = new Set<string>();
  const srv = new Map<string, { target: string; port: number }>();
  const txt = new Map<string, Record<string, string>>();
  const addresses = new Map<string, Set<string>>();
  for (const record of records) {
    const name = record.name.toLowerCase();
    if (record.type === 'PTR' && name === DISCOVERY_QUERY_NAME && typeof record.data === 'string') instances.add(record.data);
    if (record.type === 'SRV' && typeof record.data === 'object' && record.data !== null) {
      const data = record.data as { target?: unknown; port?: unknown };
      if (typeof data.target === 'string' && typeof data.port === 'number') srv.set(name, { target: data.target, port: data.port });
    }
    if (record.type === 'TXT') txt.set(name, decodeTxt(record.data));
    if ((record.type === 'A' || record.type === 'AAAA') && typeof record.data === 'string') {
      addresses.set(name, (addresses.get(name) ?? new Set()).add(record.data));
    }
  }
  return [...instances].sort().map((instanceName) => {
    const key = instanceName.toLowerCase();
    const service = srv.get(key);
    const found = service === undefined ? [] : [...(addresses.get(service.target.toLowerCase()) ?? [])].sort((a, b) => Number(a.includes(':')) - Number(b.includes(':')));
    const hints = txt.get(key) ?? {};
    const first = found[0];
    const scheme = hints['gatewayTls'] === '1' ? 'wss' : 'ws';
    const wsUrl = service === undefined || first === undefined ? undefined : `${scheme}://${first.includes(':') ? `[${first}]` : first}:${service.port}`;
    return { instanceName, host: service?.target, port: service?.port, addresses: found, txt: hints, wsUrl };
  });
}

/** The IPv4 addresses to query from (every non-internal interface, or the one given). */
export function queryInterfaces(only: string | undefined): string[] {
  if (only !== undefined) return [only];
  return Object.values(networkInterfaces())
    .flatMap((entries) => entries ?? [])
    .filter((entry) => entry.family === 'IPv4' && !entry.internal)
    .map((entry) => entry.address);
}

/** Queries for `timeoutMs` and returns what answered; an empty list when no interface can multicast. */
export async function discoverGateways(options: { timeoutMs: number; interfaceAddress?: string | undefined }): Promise<GatewayBeacon[]> {
  const { default: multicastDns } = await import('multicast-dns');
  const records: Record_[] = [];
  const sockets = queryInterfaces(options.interfaceAddress).map((address) => {
    // Bound to the wildcard: a socket bound to a unicast address never receives multicast on Linux.
    const mdns = multicastDns({ interface: address, bind: '0.0.0.0', reuseAddr: true, loopback: true });
    mdns.on('response', (packet: { answers?: unknown; additionals?: unknown }) => {
      records.push(...asRecords(packet.answers), ...asRecords(packet.additionals));
    });
    // A socket error (an interface without multicast) only drops that interface.
    mdns.on('error', () => undefined);
    mdns.on('warning', () => undefined);
    return mdns;
  });
  const query = (): void => {
    for (const mdns of sockets) mdns.query({ questions: [{ name: DISCOVERY_QUERY_NAME, type: 'PTR' }] });
  };
  query();
  // RFC 6762 §5.2: repeat the query once, a second later, for answers lost to startup races.
  const again = setTimeout(query, Math.min(1000, options.timeoutMs / 2));
  await new Promise((resolve) => setTimeout(resolve, options.timeoutMs));
  clearTimeout(again);
  await Promise.all(sockets.map((mdns) => new Promise<void>((resolve) => mdns.destroy(() => resolve()))));
  return collectBeacons(records);
}
