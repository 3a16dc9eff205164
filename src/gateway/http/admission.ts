/**
 * @module gateway/http/admission — who may hold a socket, a handshake slot or a connection, and how many.
 *
 * Issue 12, holes 3 and 4: one unauthenticated client held all 64 pre-auth slots (the owner got 503s),
 * 21,000 half-open HTTP sockets exhausted the fd limit, and one read-only device held all 4,096
 * connection slots. Counting happens per canonical source (limiter-key.ts: all of loopback is one
 * source) and per principal, with room reserved for the owner:
 * - raw TCP sockets not yet authenticated: `maxUnauthenticatedSockets` in all, `maxUnauthenticatedPerSource` each;
 * - handshakes in progress: `maxPendingHandshakes` in all, `maxPendingPerSource` each;
 * - authenticated connections: a non-owner principal (a device, or a non-owner method from one source)
 *   holds at most `maxConnectionsPerPrincipal`, and non-owners together leave `ownerReservedConnections`
 *   of `maxConnections` free for the owner.
 * The owner socket (config/owner-socket.ts) is a separate listener and is not counted here.
 */

export interface AdmissionLimits {
  maxUnauthenticatedSockets: number;
  maxUnauthenticatedPerSource: number;
  maxPendingHandshakes: number;
  maxPendingPerSource: number;
  maxConnections: number;
  ownerReservedConnections: number;
  maxConnectionsPerPrincipal: number;
}

export const DEFAULT_ADMISSION_LIMITS: AdmissionLimits = {
  maxUnauthenticatedSockets: 512,
  maxUnauthenticatedPerSource: 64,
  maxPendingHandshakes: 64,
  maxPendingPerSource: 32,
  maxConnections: 4096,
  ownerReservedConnections: 64,
  maxConnectionsPerPrincipal: 256,
};

/** Why a socket, handshake or connection was refused (the caller maps it to a status or close code). */
export type AdmissionRefusal = 'sockets-full' | 'source-sockets-full' | 'handshakes-full' | 'source-handshakes-full' | 'connections-full' | 'principal-full';

/** A counter keyed by string that forgets keys at zero. */
class KeyedCounter {
  readonly #counts = new Map<string, number>();
  total = 0;

  get(key: string): number {
    return this.#counts.get(key) ?? 0;
  }

  add(key: string): void {
    this.#counts.set(key, this.get(key) + 1);
    this.total++;
  }

  remove(key: string): void {
    const count = this.get(key);
    if (count <= 0) return;
    if (count === 1) this.#counts.delete(key);
    else this.#counts.set(key, count - 1);
    this.total--;
  }
}

/** The part of a raw TCP socket the tracker needs. */
export interface TrackableSocket {
  on(event: 'close', listener: () => void): unknown;
  off(event: 'close', listener: () => void): unknown;
}

/** A tracked socket's source and the close listener that untracks it (removed once it authenticates). */
interface TrackedSocket {
  readonly source: string;
  readonly onClose: () => void;
}

export class Admission {
  readonly limits: AdmissionLimits;
  readonly #sockets = new KeyedCounter();
  readonly #socketSources = new WeakMap<object, TrackedSocket>();
  readonly #pending = new KeyedCounter();
  readonly #principals = new KeyedCounter();
  #ownerConnections = 0;

  constructor(limits: Partial<AdmissionLimits> = {}) {
    this.limits = { ...DEFAULT_ADMISSION_LIMITS, ...limits };
  }

  /** A new unauthenticated TCP socket from `source`; undefined = admitted (call `releaseSocket` once). */
  admitSocket(source: string): AdmissionRefusal | undefined {
    if (this.#sockets.total >= this.limits.maxUnauthenticatedSockets) return 'sockets-full';
    if (this.#sockets.get(source) >= this.limits.maxUnauthenticatedPerSource) return 'source-sockets-full';
    this.#sockets.add(source);
    return undefined;
  }

  /** The socket authenticated or closed: it no longer counts as unauthenticated. */
  releaseSocket(source: string): void {
    this.#sockets.remove(source);
  }

  /**
   * Counts a raw TCP socket as unauthenticated until it closes or `untrackSocket` is called; false =
   * refused (the caller destroys it).
   */
  trackSocket(socket: TrackableSocket, source: string): boolean {
    if (this.admitSocket(source) !== undefined) return false;
    const onClose = (): void => this.untrackSocket(socket);
    this.#socketSources.set(socket, { source, onClose });
    socket.on('close', onClose);
    return true;
  }

  /**
   * The socket authenticated (or closed): it stops counting against the unauthenticated caps. Its
   * close listener goes too, so an authenticated connection holds nothing here for its lifetime.
   */
  untrackSocket(socket: TrackableSocket): void {
    const tracked = this.#socketSources.get(socket);
    if (tracked === undefined) return;
    this.#socketSources.delete(socket);
    socket.off('close', tracked.onClose);
    this.releaseSocket(tracked.source);
  }

  /** A WebSocket upgrade from `source`; undefined = admitted (call `releaseHandshake` once). */
  admitHandshake(source: string): AdmissionRefusal | undefined {
    if (this.#pending.total >= this.limits.maxPendingHandshakes) return 'handshakes-full';
    if (this.#pending.get(source) >= this.limits.maxPendingPerSource) return 'source-handshakes-full';
    this.#pending.add(source);
    return undefined;
  }

  releaseHandshake(source: string): void {
    this.#pending.remove(source);
  }

  /** An authenticated connection; owners use the reserve, others are capped per principal. */
  admitConnection(principal: string, isOwner: boolean): AdmissionRefusal | undefined {
    const total = this.#principals.total + this.#ownerConnections;
    if (total >= this.limits.maxConnections) return 'connections-full';
    if (isOwner) {
      this.#ownerConnections++;
      return undefined;
    }
    // Non-owners together stay below the reserve line, whatever the owner holds.
    if (this.#principals.total >= this.limits.maxConnections - this.limits.ownerReservedConnections) return 'connections-full';
    if (this.#principals.get(principal) >= this.limits.maxConnectionsPerPrincipal) return 'principal-full';
    this.#principals.add(principal);
    return undefined;
  }

  releaseConnection(principal: string, isOwner: boolean): void {
    if (isOwner) this.#ownerConnections = Math.max(0, this.#ownerConnections - 1);
    else this.#principals.remove(principal);
  }

  /** Counts for `health`/`status` and tests. */
  snapshot(): { unauthenticatedSockets: number; pendingHandshakes: number; connections: number } {
    return { unauthenticatedSockets: this.#sockets.total, pendingHandshakes: this.#pending.total, connections: this.#principals.total + this.#ownerConnections };
  }
}
