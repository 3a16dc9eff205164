/**
 * @module protocol/methods/events — `events.resumable` and `events.resume`: a Clawgate extension that
 * replays the events a dropped connection missed (docs/events-resume.md).
 *
 * OpenClaw never replays events: after a `seq` gap its clients re-read snapshots. Clawgate keeps a
 * bounded window of what it sent to a connection that asked for it, and a reconnecting client of the
 * same principal fetches what came after its last `seq`. Old clients never call these methods, so
 * nothing changes for them: connect params and hello-ok are untouched.
 */
import Type, { type Static } from 'typebox';
import { EventFrameSchema } from '../frames.js';
import { defineContract } from '../contract.js';

const Closed = { additionalProperties: false } as const;

/** At most this many events are kept per journal (the oldest go first). */
export const EVENTS_RESUME_MAX_EVENTS = 1000;
/** Events older than this are not kept, and a dropped connection's journal ends this long after the drop (ms). */
export const EVENTS_RESUME_WINDOW_MS = 60_000;
/** At most this many bytes of frames per journal (the oldest go first). */
export const EVENTS_RESUME_MAX_BYTES = 4 * 1024 * 1024;

/** What the window holds: what a client can count on. */
const ResumeWindowSchema = {
  /** Opaque, secret: resumes this connection's events; valid for one `events.resume` by the same principal. */
  token: Type.String({ minLength: 16 }),
  windowMs: Type.Integer({ minimum: 0 }),
  maxEvents: Type.Integer({ minimum: 0 }),
};

export const EventsResumableParamsSchema = Type.Object({}, Closed);
export const EventsResumableResultSchema = Type.Object(ResumeWindowSchema, Closed);
export type EventsResumableResult = Static<typeof EventsResumableResultSchema>;

export const EventsResumeParamsSchema = Type.Object(
  {
    token: Type.String({ minLength: 16, maxLength: 128 }),
    /** The highest frame `seq` the client received on the dropped connection (0: none). */
    lastSeq: Type.Integer({ minimum: 0 }),
  },
  Closed,
);
export type EventsResumeParams = Static<typeof EventsResumeParamsSchema>;

export const EventsResumeResultSchema = Type.Object(
  {
    /** The missed frames, in the order they were sent, with the dropped connection's `seq`. */
    events: Type.Array(EventFrameSchema),
    /** This connection's own resume token (it is journaled from now on). */
    ...ResumeWindowSchema,
  },
  Closed,
);
export type EventsResumeResult = Static<typeof EventsResumeResultSchema>;

/** Starts keeping this connection's events so that a later connection can resume them. */
export const eventsResumable = defineContract({
  name: 'events.resumable',
  access: 'operator.read',
  params: EventsResumableParamsSchema,
  result: EventsResumableResultSchema,
});

/**
 * Replays what a dropped connection of the same principal missed after `lastSeq`, filtered by this
 * connection's scopes; EVENTS_RESUME_TOKEN_UNKNOWN or EVENTS_RESUME_GAP_TOO_OLD mean: re-read snapshots.
 */
export const eventsResume = defineContract({
  name: 'events.resume',
  access: 'operator.read',
  params: EventsResumeParamsSchema,
  result: EventsResumeResultSchema,
});

/** The event-resume extension (docs/events-resume.md); listed with the others in methods/extensions.ts. */
export const EVENTS_RESUME_CONTRACTS = [eventsResumable, eventsResume] as const;
