/**
 * @module gateway/event-bus — delivers declared events to the connections that may see them.
 *
 * Every event is declared once (`defineEvent` in protocol/events/): name, scope, payload schema and
 * delivery. `emit` looks the declaration up, picks the recipients (every allowed connection, the
 * subscribers of a key, or one connection) and serializes the payload ONCE: each connection only
 * splices its own `seq` into the pre-built frame text, so fan-out to n sockets costs one
 * `JSON.stringify`, not n. Subscriptions end with the connection (`detach`).
 */
import type { Static, TSchema } from 'typebox';
import { compileSchema, GatewayError, scopeSatisfies, type CompiledSchema, type EventDefinition, type StateVersion } from '../protocol/index.js';
import type { Logger } from '../logging/index.js';
import type { CallerInfo } from './method-context.js';

/** A frame split around the per-connection `seq`: `${head},"seq":N${tail}`. */
export interface PreparedEvent {
  readonly event: string;
  readonly head: string;
  readonly tail: string;
  /** Skip for a slow client instead of closing it. */
  readonly dropIfSlow: boolean;
  /**
   * `head` encoded once, for large frames (SHARED_HEAD_MIN_CHARS): every recipient queues the same
   * bytes instead of its own UTF-8 copy, so a 1 MB presence list to 4,500 sockets is 1 MB, not 4.5 GB.
   */
  readonly headBytes?: Buffer | undefined;
}

/** Never sent: what `#prepare` returns when nobody may receive the event. */
const EMPTY_EVENT: PreparedEvent = { event: '', head: '', tail: '', dropIfSlow: true };

/** Heads at least this long are encoded once and shared by all recipients. */
export const SHARED_HEAD_MIN_CHARS = 64 * 1024;

/** What the bus needs of a connection. */
export interface EventRecipient {
  readonly connId: string;
  /** Undefined until the handshake completed: such connections receive nothing. */
  readonly caller: CallerInfo | undefined;
  /** Sends (or, for a slow client, skips) the event; returns the `seq` it used, if any. */
  sendPreparedEvent(event: PreparedEvent): number | void;
}

/** Sees every event handed to one connection, with its seq and the bus-wide emit id (event-journal.ts). */
export type EventTap = (seq: number, event: PreparedEvent, emitId: number) => void;

/** Where a `subscribers` or `direct` event goes. */
export interface EventTarget {
  /**
   * The one connection of a `direct` event. On a `broadcast` event it narrows delivery to that
   * connection (still only if it may receive the event): OpenClaw sends the `agent` tool stream,
   * a broadcast event, to the run's requester alone.
   */
  connId?: string;
  /** The subscription key of a `subscribers` event (e.g. a session key). */
  key?: string;
  /**
   * On a `broadcast` event: only connections ready at or before this time (gateway clock, ms). A
   * change announced late (paced) is news only to those who could have known the old state; later
   * connections read the current state from snapshots.
   */
  readyBy?: number;
}

export interface EmitOptions {
  stateVersion?: StateVersion;
}

export interface EventBusOptions {
  events: readonly EventDefinition[];
  logger: Logger;
  /** Check every payload against its schema (tests turn this on; it costs a validation per emit). */
  shouldValidatePayloads?: boolean;
}

interface RegisteredEvent {
  definition: EventDefinition;
  payload: CompiledSchema<TSchema> | undefined;
}

export class EventBus {
  readonly #events = new Map<string, RegisteredEvent>();
  readonly #recipients = new Map<string, EventRecipient>();
  /** key → connIds, and connId → keys (so detach is O(own keys)). */
  readonly #subscribers = new Map<string, Set<string>>();
  readonly #subscriptions = new Map<string, Set<string>>();
  readonly #logger: Logger;
  readonly #taps = new Map<string, EventTap>();
  /** Counts emits; an event's emit id orders it among all events, whoever received it. */
  #emitCount = 0;
  /** event name → generation of its latest sliced emit (a newer one stops an older one). */
  readonly #sliceGenerations = new Map<string, number>();

  constructor(options: EventBusOptions) {
    this.#logger = options.logger;
    for (const definition of options.events) {
      if (this.#events.has(definition.name)) throw new GatewayError('DUPLICATE_EVENT', { event: definition.name });
      this.#events.set(definition.name, { definition, payload: options.shouldValidatePayloads === true ? compileSchema(definition.payload) : undefined });
    }
  }

  /** Declared event names in declaration order, for `hello-ok.features.events`. */
  names(): string[] {
    return [...this.#events.keys()];
  }

  /** Adds a connection (it receives events once its caller is set); replaces one with the same connId. */
  attach(recipient: EventRecipient): void {
    this.#recipients.set(recipient.connId, recipient);
  }

  /** Is `connId` attached (a live connection, or a journal standing in for a dropped one)? */
  isAttached(connId: string): boolean {
    return this.#recipients.has(connId);
  }

  /** Calls `tap` for every event handed to `connId` (one tap per connection), until `untap`. */
  tap(connId: string, tap: EventTap): void {
    this.#taps.set(connId, tap);
  }

  untap(connId: string): void {
    this.#taps.delete(connId);
  }

  /** The id of the last emit (0 before any). */
  get emitCount(): number {
    return this.#emitCount;
  }

  /** May `caller` receive the declared event `name` (its scope and role rules)? */
  mayDeliver(name: string, caller: CallerInfo): boolean {
    const registered = this.#events.get(name);
    return registered !== undefined && mayReceive(registered.definition, caller);
  }

  /** Removes a connection and every subscription it held. */
  detach(connId: string): void {
    this.#recipients.delete(connId);
    this.#taps.delete(connId);
    for (const key of this.#subscriptions.get(connId) ?? []) this.#dropSubscriber(key, connId);
    this.#subscriptions.delete(connId);
  }

  /**
   * Subscribes `connId` to `subscribers` events emitted with `key`; returns the unsubscribe. A
   * connection that is gone (closed while its request ran) is not subscribed, so nothing leaks.
   */
  subscribe(connId: string, key: string): () => void {
    if (!this.#recipients.has(connId)) return () => undefined;
    let connIds = this.#subscribers.get(key);
    if (connIds === undefined) this.#subscribers.set(key, (connIds = new Set()));
    connIds.add(connId);
    let keys = this.#subscriptions.get(connId);
    if (keys === undefined) this.#subscriptions.set(connId, (keys = new Set()));
    keys.add(key);
    return () => this.unsubscribe(connId, key);
  }

  unsubscribe(connId: string, key: string): void {
    this.#dropSubscriber(key, connId);
    this.#subscriptions.get(connId)?.delete(key);
  }

  /** Connections subscribed to `key`. */
  subscriberCount(key: string): number {
    return this.#subscribers.get(key)?.size ?? 0;
  }

  /** Emits a declared event; returns how many connections it was handed to. */
  emit<P extends TSchema>(definition: EventDefinition<P>, payload: Static<P>, target: EventTarget = {}, options: EmitOptions = {}): number {
    return this.emitByName(definition.name, payload, target, options);
  }

  /** `emit` for core services that name events by string; the name must still be declared. */
  emitByName(name: string, payload: unknown, target: EventTarget = {}, options: EmitOptions = {}): number {
    const { recipients, prepared, emitId } = this.#prepare(name, payload, target, options);
    this.#deliver(recipients, 0, recipients.length, prepared, emitId);
    return recipients.length;
  }

  /**
   * `emit` for very large broadcasts (a presence list of thousands to thousands): the frame is still
   * serialized once, but handed to about `sliceBytes` worth of recipients per turn of the event loop,
   * `defer` running the next slice, so one broadcast never blocks requests for seconds. A newer
   * sliced emit of the same event stops an unfinished one (its recipients get the newer frame).
   * Returns how many connections it will be handed to.
   */
  emitSliced<P extends TSchema>(definition: EventDefinition<P>, payload: Static<P>, options: EmitOptions & { sliceBytes: number; defer: (next: () => void) => void }): number {
    const { recipients, prepared, emitId } = this.#prepare(definition.name, payload, {}, options);
    const generation = (this.#sliceGenerations.get(definition.name) ?? 0) + 1;
    this.#sliceGenerations.set(definition.name, generation);
    const perSlice = Math.max(1, Math.floor(options.sliceBytes / (prepared.head.length + prepared.tail.length)));
    const sendFrom = (start: number): void => {
      if (this.#sliceGenerations.get(definition.name) !== generation) return;
      const end = Math.min(recipients.length, start + perSlice);
      this.#deliver(recipients, start, end, prepared, emitId);
      if (end < recipients.length) options.defer(() => sendFrom(end));
    };
    sendFrom(0);
    return recipients.length;
  }

  #prepare(name: string, payload: unknown, target: EventTarget, options: EmitOptions): { recipients: EventRecipient[]; prepared: PreparedEvent; emitId: number } {
    const registered = this.#events.get(name);
    if (registered === undefined) throw new GatewayError('EVENT_NOT_DECLARED', { event: name });
    const { definition } = registered;
    if (registered.payload !== undefined && !registered.payload.check(payload)) {
      this.#logger.error({ event: name, reason: registered.payload.explain(payload) }, 'event payload does not match its schema');
      throw new Error(`payload of event ${name} does not match its schema`);
    }
    const recipients = this.#recipientsFor(definition, target);
    if (recipients.length === 0) return { recipients, prepared: EMPTY_EVENT, emitId: this.#emitCount };
    return { recipients, prepared: prepareEvent(name, payload, options.stateVersion, definition.dropIfSlow === true), emitId: ++this.#emitCount };
  }

  #deliver(recipients: readonly EventRecipient[], start: number, end: number, prepared: PreparedEvent, emitId: number): void {
    if (this.#taps.size === 0) {
      for (let i = start; i < end; i++) recipients[i]!.sendPreparedEvent(prepared);
      return;
    }
    for (let i = start; i < end; i++) {
      const recipient = recipients[i]!;
      const seq = recipient.sendPreparedEvent(prepared);
      if (typeof seq === 'number') this.#taps.get(recipient.connId)?.(seq, prepared, emitId);
    }
  }

  #recipientsFor(definition: EventDefinition, target: EventTarget): EventRecipient[] {
    const allowed = (recipient: EventRecipient | undefined): recipient is EventRecipient =>
      recipient !== undefined && recipient.caller !== undefined && mayReceive(definition, recipient.caller);
    switch (definition.delivery) {
      case 'broadcast': {
        const { readyBy } = target;
        if (readyBy !== undefined) return [...this.#recipients.values()].filter((r) => allowed(r) && (r.caller?.readyAtMs ?? 0) <= readyBy);
        if (target.connId === undefined) return [...this.#recipients.values()].filter(allowed);
        const recipient = this.#recipients.get(target.connId);
        return allowed(recipient) ? [recipient] : [];
      }
      case 'subscribers': {
        if (target.key === undefined) throw new GatewayError('EVENT_TARGET_MISSING', { event: definition.name, delivery: 'subscribers', needs: 'key' });
        return [...(this.#subscribers.get(target.key) ?? [])].map((connId) => this.#recipients.get(connId)).filter(allowed);
      }
      case 'direct': {
        if (target.connId === undefined) throw new GatewayError('EVENT_TARGET_MISSING', { event: definition.name, delivery: 'direct', needs: 'connId' });
        const recipient = this.#recipients.get(target.connId);
        return allowed(recipient) ? [recipient] : [];
      }
    }
  }

  #dropSubscriber(key: string, connId: string): void {
    const connIds = this.#subscribers.get(key);
    if (connIds === undefined) return;
    connIds.delete(connId);
    if (connIds.size === 0) this.#subscribers.delete(key);
  }
}

/** Nodes get only events declared `toNodes`; operators need the event's scope (null: any operator). */
export function mayReceive(definition: EventDefinition, caller: CallerInfo): boolean {
  if (caller.role === 'node') return definition.toNodes === true;
  return definition.scope === null || scopeSatisfies(caller.scopes, definition.scope);
}

/**
 * Builds the frame text around the seq, byte-identical to `JSON.stringify({type, event, payload, seq,
 * stateVersion})`, which is the key order clients have always seen.
 */
export function prepareEvent(event: string, payload: unknown, stateVersion: StateVersion | undefined, dropIfSlow: boolean): PreparedEvent {
  const payloadText = payload === undefined ? undefined : JSON.stringify(payload);
  const head = `{"type":"event","event":${JSON.stringify(event)}${payloadText === undefined ? '' : `,"payload":${payloadText}`}`;
  const tail = `${stateVersion === undefined ? '' : `,"stateVersion":${JSON.stringify(stateVersion)}`}}`;
  return { event, head, tail, dropIfSlow, headBytes: head.length >= SHARED_HEAD_MIN_CHARS ? Buffer.from(head) : undefined };
}
