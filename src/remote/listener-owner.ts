/**
 * @module remote/listener-owner — which process owns the TCP listener on 127.0.0.1:<port> (Linux /proc).
 *
 * `clawgate tunnel up` used to call the tunnel "up" as soon as anything accepted connections on the
 * local port, then sent the gateway token there: with the port already taken (another `ssh -L`, any
 * program) the token went to whoever held it (issue 12, hole 8). Before a credential goes through the
 * tunnel, the listener must belong to the ssh process we started.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** `/proc/net/tcp` local address of 127.0.0.1:port, as the kernel prints it (little-endian hex IP). */
function procLocalAddress(port: number): string {
  return `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Socket inodes listening on 127.0.0.1:port (state 0A = LISTEN); undefined when /proc cannot tell. */
export function listenerInodes(port: number, procRoot = '/proc'): Set<string> | undefined {
  let table: string;
  try {
    table = readFileSync(`${procRoot}/net/tcp`, 'utf8');
  } catch {
    return undefined;
  }
  const wanted = procLocalAddress(port);
  const inodes = new Set<string>();
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[1] === wanted && fields[3] === '0A' && fields[9] !== undefined) inodes.add(fields[9]);
  }
  return inodes;
}

/**
 * True when `pid` holds the listening socket on 127.0.0.1:port, false when another process does,
 * undefined when this system has no /proc to ask (the free-port pre-check is then the only guard).
 */
export function isListenerOwnedBy(pid: number, port: number, procRoot = '/proc'): boolean | undefined {
  const inodes = listenerInodes(port, procRoot);
  if (inodes === undefined) return undefined;
  if (inodes.size === 0) return false;
  let fds: string[];
  try {
    fds = readdirSync(`${procRoot}/${pid}/fd`);
  } catch {
    return false;
  }
  for (const fd of fds) {
    try {
      const link = readlinkSync(`${procRoot}/${pid}/fd/${fd}`);
      const match = /^socket:\[(\d+)\]$/.exec(link);
      if (match !== null && inodes.has(match[1]!)) return true;
    } catch {
      // fd closed while we looked
    }
  }
  return false;
}
