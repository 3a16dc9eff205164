/** @module gateway/method-context — what a method handler may see: the caller, the gateway's services, its abort signal and ack. */
import type { ClientInfo, Role } from '../protocol/index.js';
import type { GatewayServices } from './services.js';

/** The authenticated caller of a request. */
export interface CallerInfo {
  readonly connId: string;
  readonly role: Role;
  readonly scopes: readonly string[];
  readonly client: ClientInfo;
  readonly remoteAddress: string;
  readonly deviceId?: string | undefined;
  /** How the caller authenticated (`token`, `password`, `none`, `device-token`, `bootstrap-token`). */
  readonly authMethod?: string | undefined;
  /** Proxy-aware client address (see gateway/client-address.ts); the peer when no trusted proxy vouches. */
  readonly clientAddress?: string | undefined;
  /** Loopback peer with no forwarding headers. Never a reason to trust: browsers and proxies are local too. */
  readonly isLocal?: boolean | undefined;
  /** The upgrade request carried an `Origin` header. */
  readonly isBrowser?: boolean | undefined;
  readonly origin?: string | undefined;
  /** `connect.caps` the client declared (e.g. `tool-events`: it wants the tool stream of the runs it starts). */
  readonly caps?: readonly string[] | undefined;
  /** When the connection completed its handshake (gateway clock, ms). */
  readonly readyAtMs?: number | undefined;
}

/** What a handler gets besides its params. `A` is the method's interim ack payload type. */
export interface MethodContext<A = unknown> {
  readonly caller: CallerInfo;
  readonly requestId: string;
  readonly services: GatewayServices;
  /**
   * Aborted when the caller's connection closes or the request is cancelled (`Dispatcher.abort`,
   * e.g. from `chat.abort`). The reason is a `GatewayError('REQUEST_ABORTED')`. Long-running
   * handlers pass it on (fetch, node invokes) and end early; the dispatcher still sends whatever they
   * return or throw, if the socket is open.
   */
  readonly signal: AbortSignal;
  /**
   * Sends the interim response (`{ok:true, payload: ack}`) on this request id now; the handler's
   * return value becomes the final response later (OpenClaw's two-stage `agent`). Only for methods
   * that declare an `ack` schema; at most once.
   */
  accept(ack: A): void;
}
