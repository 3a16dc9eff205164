/**
 * @module config/owner-socket — where the owner's local channel lives: a Unix socket in the state dir.
 *
 * The state dir is mode 0700, so only the owner's uid (and root) can reach the socket: the OS
 * vouches for the peer. Connections through it keep working while an attack saturates the TCP
 * port's auth budget or pre-auth slots (issue 12, holes 2-4); they still authenticate as usual.
 */
import { lstatSync } from 'node:fs';
import { join } from 'node:path';

/** `<stateDir>/gateway.sock`. */
export function ownerSocketPathFor(stateDir: string): string {
  return join(stateDir, 'gateway.sock');
}

/** The `ws+unix:` URL of the owner socket (the `ws` client's scheme for Unix sockets). */
export function ownerSocketUrl(socketPath: string): string {
  return `ws+unix:${socketPath}:/`;
}

/** The owner socket's path when a gateway has one in `stateDir` (a socket file exists), else undefined. */
export function findOwnerSocket(stateDir: string): string | undefined {
  const path = ownerSocketPathFor(stateDir);
  try {
    return lstatSync(path).isSocket() ? path : undefined;
  } catch {
    return undefined;
  }
}
