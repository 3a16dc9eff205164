/** @module gateway/method-context — what a method handler may see: the caller and the gateway's services. */
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
}

export interface MethodContext {
  readonly caller: CallerInfo;
  readonly requestId: string;
  readonly services: GatewayServices;
}
