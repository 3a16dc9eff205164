/** @module protocol/errors/features — error catalogue entries: the feature seam, events, migrations, request limits. */
import { defineErrors } from './definition.js';

export const FEATURE_ERRORS = defineErrors({
  // Start-up: features handed to the core (gateway/feature-host.ts)
  DUPLICATE_FEATURE: { wire: 'UNAVAILABLE', message: 'feature {feature} is registered twice', retryable: false },
  FEATURE_DEPENDENCY_MISSING: {
    wire: 'UNAVAILABLE',
    message: 'feature {feature} depends on {dependency}, which is not registered',
    retryable: false,
  },
  FEATURE_DEPENDENCY_CYCLE: { wire: 'UNAVAILABLE', message: 'features depend on each other in a cycle: {cycle}', retryable: false },
  FEATURE_START_FAILED: { wire: 'UNAVAILABLE', message: 'feature {feature} failed to start: {reason}', retryable: false },
  DUPLICATE_EVENT: { wire: 'UNAVAILABLE', message: 'event {event} is declared twice', retryable: false },
  DUPLICATE_HTTP_ROUTE: { wire: 'UNAVAILABLE', message: 'HTTP route {method} {path} is declared twice', retryable: false },
  DUPLICATE_CONFIG_SECTION: { wire: 'UNAVAILABLE', message: 'config section {section} is declared twice (or is a core section)', retryable: false },
  MIGRATION_INVALID: { wire: 'UNAVAILABLE', message: 'migrations of {owner} are invalid: {reason}', retryable: false },
  // Emitting (a programming error caught at the call site, never sent to clients)
  EVENT_NOT_DECLARED: { wire: 'UNAVAILABLE', message: 'event {event} was emitted but never declared', retryable: false },
  EVENT_TARGET_MISSING: { wire: 'UNAVAILABLE', message: 'event {event} has {delivery} delivery and needs a target {needs}', retryable: false },
  // Dispatch of long-running requests
  TOO_MANY_IN_FLIGHT: {
    wire: 'UNAVAILABLE',
    message: 'too many requests in flight on this connection (limit {limit}); wait for answers before sending more',
    retryable: true,
  },
  REQUEST_ABORTED: { wire: 'UNAVAILABLE', message: '{method} was aborted: {reason}', retryable: true },
  // events.resume (Clawgate extension, docs/events-resume.md)
  EVENTS_RESUME_TOKEN_UNKNOWN: {
    wire: 'INVALID_REQUEST',
    message: 'cannot resume events: the resume token is unknown, expired or not yours; re-read state from snapshots',
    retryable: false,
  },
  EVENTS_RESUME_GAP_TOO_OLD: {
    wire: 'INVALID_REQUEST',
    message: 'cannot resume events after seq {lastSeq}: the replay window starts at seq {firstSeq}; re-read state from snapshots',
    retryable: false,
  },
});
