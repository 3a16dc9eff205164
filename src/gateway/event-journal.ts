/**
 * @module gateway/event-journal — the replay window behind `events.resume` (docs/events-resume.md).
 *
 * A connection that called `events.resumable` is journaled: every event the bus hands it is recorded
 * with its `seq` (the frame text is the bus's shared PreparedEvent, so an entry costs a few words).
 * When it drops, the journal stands in for it on the bus for EVENTS_RESUME_WINDOW_MS: it keeps the
 * dropped connection's caller (so the same scope and targeting rules pick its events) and keeps
 * numbering them. A new connection of the same principal calls `events.resume {token, lastSeq}` and
 * gets every recorded event after `lastSeq`, in order, filtered by its own scopes. Events the new
 * connection already received live (those emitted after it was ready) are left out by their emit id,
 * so nothing arrives twice. Bounds: EVENTS_RESUME_MAX_EVENTS, _WINDOW_MS and _MAX_BYTES per journal,
 * JOURNALS_PER_PRINCIPAL journals per principal (the oldest is dropped).
 */
import { randomBytes } from 'node:crypto';
import {
  EVENTS_RESUME_MAX_BYTES,
  EVENTS_RESUME_MAX_EVENTS,
  EVENTS_RESUME_WINDOW_MS,
  GatewayError,
  type EventFrame,
  type EventsResumableResult,
  type EventsResumeResult,
} from '../protocol/index.js';
import type { Clock, TimerHandle } from '../time/index.js';
import type { EventBus, PreparedEvent } from './event-bus.js';
import type { CallerInfo } from './method-context.js';

/** Journals (live or dropped) one principal may hold; a new one drops the oldest. */
export const JOURNALS_PER_PRINCIPAL = 8;

interface Entry {
  seq: number;
  emitId: number;
  atMs: number;
  event: PreparedEvent;
  bytes: number;
}

interface Journal {
  token: string;
  connId: string;
  principal: string;
  caller: CallerInfo;
  entries: Entry[];
  bytes: number;
  /** Highest seq ever pruned (0: none): a resume from below it has lost events. */
  prunedThroughSeq: number;
  /** Set once the connection dropped: the stand-in's next seq and its expiry. */
  dropped?: { nextSeq: number; expiry: TimerHandle } | undefined;
}

/** A live connection as the journal sees it. */
interface ReadyConnection {
  principal: string;
  caller: CallerInfo;
  /** Bus emit id when it became ready: later events reached it live. */
  readyEmitId: number;
}

export class EventJournals {
  readonly #bus: EventBus;
  readonly #clock: Clock;
  readonly #byToken = new Map<string, Journal>();
  readonly #byConn = new Map<string, Journal>();
  readonly #ready = new Map<string, ReadyConnection>();

  constructor(bus: EventBus, clock: Clock) {
    this.#bus = bus;
    this.#clock = clock;
  }

  /** A connection authenticated as `principal` (the admission principal key). */
  onReady(caller: CallerInfo, principal: string): void {
    this.#ready.set(caller.connId, { principal, caller, readyEmitId: this.#bus.emitCount });
  }

  /**
   * A connection closed. Returns true when its journal now stands in for it on the bus (the caller
   * must not detach it); false when it was not journaled.
   */
  onClose(connId: string, lastSeq: number): boolean {
    this.#ready.delete(connId);
    const journal = this.#byConn.get(connId);
    if (journal === undefined) return false;
    const expiry = this.#clock.setTimeout(() => this.#drop(journal), EVENTS_RESUME_WINDOW_MS);
    journal.dropped = { nextSeq: lastSeq + 1, expiry };
    this.#bus.attach({
      connId,
      caller: journal.caller,
      sendPreparedEvent: () => {
        const dropped = journal.dropped;
        return dropped === undefined ? undefined : dropped.nextSeq++;
      },
    });
    return true;
  }

  /** `events.resumable`: journals `connId` from now on; returns its token. */
  enable(connId: string): EventsResumableResult {
    const ready = this.#ready.get(connId);
    if (ready === undefined) throw new GatewayError('EVENTS_RESUME_TOKEN_UNKNOWN');
    const existing = this.#byConn.get(connId);
    if (existing !== undefined) return windowOf(existing.token);
    this.#evictOldest(ready.principal);
    const journal: Journal = { token: randomBytes(24).toString('base64url'), connId, principal: ready.principal, caller: ready.caller, entries: [], bytes: 0, prunedThroughSeq: 0 };
    this.#byToken.set(journal.token, journal);
    this.#byConn.set(connId, journal);
    this.#bus.tap(connId, (seq, event, emitId) => this.#record(journal, seq, event, emitId));
    return windowOf(journal.token);
  }

  /** `events.resume`: the events `connId`'s principal missed on the token's connection after `lastSeq`. */
  resume(connId: string, token: string, lastSeq: number): EventsResumeResult {
    const ready = this.#ready.get(connId);
    const journal = this.#byToken.get(token);
    // A foreign principal gets the same answer as an unknown token: the token is a secret either way.
    if (ready === undefined || journal === undefined || journal.principal !== ready.principal || journal.connId === connId) {
      throw new GatewayError('EVENTS_RESUME_TOKEN_UNKNOWN');
    }
    this.#prune(journal, this.#clock.now());
    this.#drop(journal);
    const firstSeq = journal.prunedThroughSeq + 1;
    if (lastSeq + 1 < firstSeq) throw new GatewayError('EVENTS_RESUME_GAP_TOO_OLD', { lastSeq, firstSeq });
    const events: EventFrame[] = [];
    for (const entry of journal.entries) {
      if (entry.seq <= lastSeq || entry.emitId > ready.readyEmitId) continue;
      if (!this.#bus.mayDeliver(entry.event.event, ready.caller)) continue;
      events.push(JSON.parse(`${entry.event.head},"seq":${entry.seq}${entry.event.tail}`) as EventFrame);
    }
    return { events, ...this.enable(connId) };
  }

  #record(journal: Journal, seq: number, event: PreparedEvent, emitId: number): void {
    const bytes = event.head.length + event.tail.length + 16;
    journal.entries.push({ seq, emitId, atMs: this.#clock.now(), event, bytes });
    journal.bytes += bytes;
    this.#prune(journal, this.#clock.now());
  }

  /** Drops entries beyond the count, byte and age bounds, oldest first. */
  #prune(journal: Journal, nowMs: number): void {
    const { entries } = journal;
    let cut = 0;
    let bytes = journal.bytes;
    while (
      cut < entries.length &&
      (entries.length - cut > EVENTS_RESUME_MAX_EVENTS || bytes > EVENTS_RESUME_MAX_BYTES || entries[cut]!.atMs < nowMs - EVENTS_RESUME_WINDOW_MS)
    ) {
      bytes -= entries[cut]!.bytes;
      cut++;
    }
    if (cut === 0) return;
    journal.prunedThroughSeq = entries[cut - 1]!.seq;
    entries.splice(0, cut);
    journal.bytes = bytes;
  }

  /** Forgets a journal; a dropped connection's stand-in leaves the bus. */
  #drop(journal: Journal): void {
    if (this.#byToken.get(journal.token) !== journal) return;
    this.#byToken.delete(journal.token);
    this.#byConn.delete(journal.connId);
    this.#bus.untap(journal.connId);
    if (journal.dropped !== undefined) {
      this.#clock.clearTimeout(journal.dropped.expiry);
      journal.dropped = undefined;
      this.#bus.detach(journal.connId);
    }
  }

  #evictOldest(principal: string): void {
    const held = [...this.#byToken.values()].filter((journal) => journal.principal === principal);
    if (held.length < JOURNALS_PER_PRINCIPAL) return;
    // Map order is insertion order: the first is the oldest. Dropped ones go before live ones.
    this.#drop(held.find((journal) => journal.dropped !== undefined) ?? held[0]!);
  }
}

function windowOf(token: string): EventsResumableResult {
  return { token, windowMs: EVENTS_RESUME_WINDOW_MS, maxEvents: EVENTS_RESUME_MAX_EVENTS };
}
