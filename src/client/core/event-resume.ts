/**
 * @module client/core/event-resume — a reconnecting client picks its events up where it left off.
 *
 * Uses the Clawgate extension `events.resumable` / `events.resume` (docs/events-resume.md). Before each
 * connect call `prepare`; after its hello-ok, `start` asks for a resume token (first connection) or
 * replays what the previous connection missed after its last `seq`. Live events that arrive while that request runs are held,
 * so the replayed ones are delivered first and the order holds. When the gateway cannot resume (the
 * window passed, or too much was missed) `onResync` is told to re-read snapshots; a gateway without
 * the extension (OpenClaw) answers `unknown method` and the client carries on without resume.
 * Browser-safe: the request function is injected.
 */
import type { EventFrame, EventsResumableResult, EventsResumeResult } from '../../protocol/index.js';
import { GatewayRequestError } from './errors.js';

/** Sends one request on the current connection. */
export type ResumeRequest = (method: string, params: unknown) => Promise<unknown>;

export interface EventResumeOptions {
  /** Where events go: replayed ones first, then live ones, in order. */
  deliver: (event: EventFrame) => void;
  /** The missed events could not be replayed (`error` says why): re-read state from snapshots. */
  onResync?: ((error: GatewayRequestError) => void) | undefined;
}

/** Detail codes that mean "resume is not possible, resync" rather than a transport failure. */
const RESYNC_CODES = new Set(['EVENTS_RESUME_TOKEN_UNKNOWN', 'EVENTS_RESUME_GAP_TOO_OLD']);

export class EventResume {
  readonly #options: EventResumeOptions;
  #token: string | undefined;
  #lastSeq = 0;
  #held: EventFrame[] | undefined;
  #isSupported = true;
  /** Where the next `start` resumes from: the previous connection's token and last seq. */
  #resumePoint: { token: string | undefined; lastSeq: number } | undefined;

  constructor(options: EventResumeOptions) {
    this.#options = options;
  }

  /** The highest `seq` delivered from the current connection. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** A live event from the current connection. */
  onEvent(event: EventFrame): void {
    if (this.#held !== undefined) {
      this.#held.push(event);
      return;
    }
    this.#deliverLive(event);
  }

  /**
   * A new connection is being opened: its events are held until `start` ran. What the previous
   * connection received stays the resume point until a `start` succeeds (failed attempts keep it).
   */
  prepare(): void {
    this.#resumePoint ??= { token: this.#token, lastSeq: this.#lastSeq };
    this.#token = undefined;
    this.#lastSeq = 0; // a new connection numbers its events from 1
    this.#held = [];
  }

  /**
   * Call right after `hello-ok` of a connection opened after `prepare`: resumes the previous
   * connection's events (if any) and journals this one. Resolves once replayed, then held, events
   * were delivered. Rejects only on transport failures (the connection is gone anyway).
   */
  async start(request: ResumeRequest): Promise<void> {
    const point = this.#resumePoint;
    let replayed: EventFrame[] = [];
    try {
      if (!this.#isSupported || point === undefined) return;
      const result = point.token === undefined ? undefined : await this.#resume(request, point.token, point.lastSeq);
      replayed = result?.events ?? [];
      this.#token = result?.token ?? ((await request('events.resumable', {})) as EventsResumableResult).token;
      this.#resumePoint = undefined;
    } catch (error) {
      if (!(error instanceof GatewayRequestError) || !isUnknownMethod(error)) throw error;
      this.#isSupported = false;
    } finally {
      const held = this.#held ?? [];
      this.#held = undefined;
      for (const event of replayed) this.#options.deliver(event);
      for (const event of held) this.#deliverLive(event);
    }
  }

  /** The replay, or undefined when the gateway says to resync instead. */
  async #resume(request: ResumeRequest, token: string, lastSeq: number): Promise<EventsResumeResult | undefined> {
    try {
      return (await request('events.resume', { token, lastSeq })) as EventsResumeResult;
    } catch (error) {
      if (!(error instanceof GatewayRequestError) || !RESYNC_CODES.has(error.detailCode)) throw error;
      this.#options.onResync?.(error);
      return undefined;
    }
  }

  #deliverLive(event: EventFrame): void {
    if (typeof event.seq === 'number' && event.seq > this.#lastSeq) this.#lastSeq = event.seq;
    this.#options.deliver(event);
  }
}

function isUnknownMethod(error: GatewayRequestError): boolean {
  return error.shape.code === 'INVALID_REQUEST' && /unknown method/i.test(error.message);
}
