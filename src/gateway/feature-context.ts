/** @module gateway/feature-context — what each feature receives at `onReady`, built from the core's parts. */
import type { LoadedConfig } from '../config/index.js';
import type { Logger, SecretRegistry } from '../logging/index.js';
import type { StateStore } from '../store/index.js';
import type { Clock } from '../time/index.js';
import type { IncomingMessage } from 'node:http';
import { constantTimeEqual } from './pairing/shared-secret.js';
import type { BrowserAccessPolicy } from './http/browser-access.js';
import { GatewayError } from '../protocol/index.js';
import type { GatewaySettings } from './settings.js';
import type { Dispatcher } from './dispatcher.js';
import type { EventBus } from './event-bus.js';
import type { FeatureContext, GatewayFeature } from './feature.js';
import type { NodeService } from './nodes/service.js';

export interface FeatureContextParts {
  store: StateStore;
  events: EventBus;
  nodes: NodeService;
  dispatcher: Dispatcher;
  clock: Clock;
  logger: Logger;
  config: LoadedConfig;
  secrets: SecretRegistry;
  /** The gateway's shared secret, for features' HTTP routes (httpAuth). */
  auth: GatewaySettings['auth'];
  /** The upgrade's browser policy; undefined until the port is bound (every request comes after). */
  browserAccess: () => BrowserAccessPolicy | undefined;
}

/** The context of one feature: a child logger tagged with its name and its own config section. */
export function createFeatureContext(feature: GatewayFeature, parts: FeatureContextParts): FeatureContext {
  const { nodes, dispatcher, config } = parts;
  return {
    store: parts.store,
    events: parts.events,
    nodes: {
      list: () => nodes.list(),
      invoke: (params, { signal, scopes, approval }) => nodes.invoke(params, scopes, signal, approval),
    },
    clock: parts.clock,
    logger: parts.logger.child({ feature: feature.name }),
    config,
    configSection: feature.config === undefined ? undefined : (config.config as Record<string, unknown>)[feature.config.key],
    secrets: parts.secrets,
    requests: { abort: (connId, requestId, reason) => dispatcher.abort(connId, requestId, reason) },
    httpAuth: { isAuthorized: (request) => isBearerAuthorized(request, parts.auth) },
    browserAccess: {
      checkHost: (headers) => {
        const policy = parts.browserAccess();
        return policy === undefined ? notListening() : policy.checkHost(headers);
      },
      check: (headers) => {
        const policy = parts.browserAccess();
        return policy === undefined ? notListening() : policy.check(headers);
      },
    },
  };
}

/** A request before the policy exists cannot happen (routes run after listen); refuse if it ever does. */
function notListening(): GatewayError {
  return new GatewayError('CONTROL_UI_HOST_NOT_ALLOWED', { host: '(not listening)', origin: '(none)' });
}

/** `Authorization: Bearer <secret>` against the gateway's shared secret (feature HTTP routes). */
function isBearerAuthorized(request: IncomingMessage, auth: GatewaySettings['auth']): boolean {
  if (auth.mode === 'none') return true;
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  const secret = auth.mode === 'token' ? auth.token : auth.mode === 'password' ? auth.password : undefined;
  return match?.[1] !== undefined && secret !== undefined && constantTimeEqual(match[1], secret);
}
