/**
 * @module protocol/events/define — an event is one declaration: name, who may see it, payload, delivery.
 *
 * The gateway's EventBus derives everything else from the declarations: `hello-ok.features.events`,
 * the scope filter, node delivery, and payload validation in tests. Features declare their events the
 * same way (e.g. `protocol/events/chat.ts`) and hand them to the core through the feature seam.
 */
import type { TSchema } from 'typebox';
import type { OperatorScope } from '../scopes.js';

/**
 * How an event finds its connections:
 * - `broadcast`: every ready connection allowed to see it;
 * - `subscribers`: the connections subscribed to a key (e.g. a session key), filtered by scope;
 * - `direct`: one connection, named by the emitter (e.g. `node.invoke.request` to its node).
 */
export type EventDelivery = 'broadcast' | 'subscribers' | 'direct';

export interface EventDefinition<P extends TSchema = TSchema> {
  /** Wire name, spelled as OpenClaw spells it. */
  readonly name: string;
  /**
   * The operator scope a connection needs to receive it; `null` means any authenticated operator
   * (transport and status events, as in OpenClaw's broadcast scoping).
   */
  readonly scope: OperatorScope | null;
  readonly payload: P;
  readonly delivery: EventDelivery;
  /** Node connections receive it too (default false: nodes get only what they act on). */
  readonly toNodes?: boolean;
  /** Skipped for a slow client instead of closing it (ticks, presence); default false. */
  readonly dropIfSlow?: boolean;
}

/** Declares an event with its payload type inferred from the schema. */
export function defineEvent<P extends TSchema>(definition: EventDefinition<P>): EventDefinition<P> {
  return definition;
}
