/** @module gateway/methods/events — `events.resumable` and `events.resume` (Clawgate extension, docs/events-resume.md). */
import { eventsResumable, eventsResume } from '../../protocol/index.js';
import { implement } from '../method-registry.js';

export const eventsMethods = [
  implement(eventsResumable, (_params, { caller, services }) => services.eventJournals.enable(caller.connId)),
  implement(eventsResume, (params, { caller, services }) => services.eventJournals.resume(caller.connId, params.token, params.lastSeq)),
];
