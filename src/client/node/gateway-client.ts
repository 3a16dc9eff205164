/**
 * @module client/node/gateway-client — the Node gateway client: URL policy, `ws` with TLS pinning,
 * device-key signing and Node's unref'd timers around the browser-safe session (client/core/session.ts).
 *
 * One instance is one connection. `connect()` resolves with `hello-ok`; `request()` and `call()`
 * correlate by id; events are delivered to `onEvent`. If nothing arrives for 2 × tickIntervalMs the
 * connection is closed with 4000 "tick timeout" and pending requests fail (they are never replayed).
 */
import { randomUUID } from 'node:crypto';
import { platform } from 'node:os';
import type WebSocket from 'ws';
import {
  CLAWGATE_VERSION,
  DEFAULT_RPC_TIMEOUT_MS,
  PROTOCOL_VERSION,
  signatureToken,
  type ClientInfo,
  type ConnectParams,
  type ContractParams,
  type ContractResult,
  type EventFrame,
  type HelloOk,
  type MethodContract,
} from '../../protocol/index.js';
import type { ClientClock, IntervalTimers } from '../core/clock.js';
import type { CallOptions } from '../core/contract-call.js';
import { GatewayTransportError, type ConnectionStage, type GatewayRequestError } from '../core/errors.js';
import { EventResume } from '../core/event-resume.js';
import type { SeqGap } from '../core/seq-tracker.js';
import { GatewaySession, type ConnectChallengeInfo, type KeepaliveOptions } from '../core/session.js';
import { signDeviceProof, type DeviceIdentity } from './device-identity.js';
import { checkGatewayUrl, hasInsecureWsOverride } from './url-policy.js';
import { openWsTransport } from './ws-transport.js';

export { DEFAULT_KEEPALIVE_INTERVAL_MS } from '../core/session.js';
export type { IntervalTimers } from '../core/clock.js';

export interface GatewayClientOptions {
  url: string;
  token?: string | undefined;
  password?: string | undefined;
  role?: 'operator' | 'node';
  scopes?: string[];
  client?: Partial<ClientInfo>;
  /** Extra connect params (caps, commands, device …) for node hosts and later features. */
  connectExtras?: Partial<Omit<ConnectParams, 'minProtocol' | 'maxProtocol' | 'client' | 'role' | 'scopes' | 'auth'>>;
  /** Budget for socket + handshake, in ms. */
  connectTimeoutMs?: number | undefined;
  /** Extra `ws` options (TLS settings, headers). */
  wsOptions?: WebSocket.ClientOptions;
  /** Signs `connect` with this device key (v3 payload over the challenge nonce, signedAt = challenge ts). */
  deviceIdentity?: DeviceIdentity;
  /** Stored device token, sent as `auth.deviceToken` when no shared token or password is given. */
  deviceToken?: string | undefined;
  /** Setup-code bootstrap token (`auth.bootstrapToken`), sent only when no other credential is given. */
  bootstrapToken?: string | undefined;
  /** Pin the gateway certificate: SHA-256 of its DER (64 hex; colons and `sha256:` accepted). Needs wss://. */
  tlsFingerprint?: string | undefined;
  /** Allow plaintext ws:// to public hosts. Default: CLAWGATE_ALLOW_INSECURE_WS=1 in process.env. */
  allowInsecureWs?: boolean | undefined;
  /**
   * Application-level keepalive for long-lived clients: every `intervalMs` (default 20 s) send a
   * real request (default `health`) so proxies that cut idle WebSockets (Tailscale Serve at ~60 s)
   * see traffic both ways. The answer, success or error, is ignored. Off unless given.
   */
  keepalive?: KeepaliveOptions | undefined;
  /** Check `call()` results against their contracts (default: CLAWGATE_VALIDATE_RESULTS=1). */
  validateResults?: boolean | undefined;
  /** Timers for the handshake budget, request timeouts and the tick watchdog (default: Node's, unref'd). */
  clock?: ClientClock;
  onEvent?: (event: EventFrame) => void;
  onClose?: (code: number, reason: string) => void;
  /** Events were missed (the frame `seq` jumped). */
  onGap?: (gap: SeqGap) => void;
  /**
   * Resume events across reconnects (Clawgate extension, docs/events-resume.md): each `connect()`
   * after the first replays what the previous connection missed before live events are delivered.
   * Ignored by gateways without it (OpenClaw).
   */
  resumeEvents?: boolean | undefined;
  /** With `resumeEvents`: the missed events could not be replayed; re-read state from snapshots. */
  onResync?: ((error: GatewayRequestError) => void) | undefined;
}

/** Node's timers, unref'd: a pending timeout never keeps a CLI or node host alive on its own. */
const NODE_CLOCK: ClientClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout> | undefined),
};

const NODE_INTERVAL_TIMERS: IntervalTimers = {
  setInterval: (callback, ms) => setInterval(callback, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval> | undefined),
};

export class GatewayClient {
  readonly #options: GatewayClientOptions;
  readonly #resume: EventResume | undefined;
  #session: GatewaySession | undefined;

  constructor(options: GatewayClientOptions) {
    this.#options = options;
    if (options.resumeEvents === true) this.#resume = new EventResume({ deliver: (event) => options.onEvent?.(event), onResync: options.onResync });
  }

  get hello(): HelloOk | undefined {
    return this.#session?.hello;
  }

  /** How far the connection got (for layered diagnostics). */
  get stage(): ConnectionStage {
    return this.#session?.stage ?? 'socket';
  }

  /**
   * Opens the socket, answers the challenge with `connect`, and resolves with `hello-ok`. May be called
   * again after the connection closed (a reconnect); with `resumeEvents` the missed events come first.
   */
  connect(): Promise<HelloOk> {
    const options = this.#options;
    const timeoutMs = options.connectTimeoutMs ?? DEFAULT_RPC_TIMEOUT_MS;
    let pin: string | undefined;
    let transport;
    try {
      pin = checkGatewayUrl(options.url, { tlsFingerprint: options.tlsFingerprint, allowInsecureWs: options.allowInsecureWs ?? hasInsecureWsOverride(process.env) });
      transport = openWsTransport(options.url, { handshakeTimeoutMs: timeoutMs, tlsFingerprint: pin, wsOptions: options.wsOptions });
    } catch (error) {
      // A coded GatewayError (refused before any socket opened) or a GatewayTransportError (bad URL).
      return Promise.reject(error instanceof Error ? error : new GatewayTransportError(String(error), { stage: 'socket', kind: 'URL' }));
    }
    const session = new GatewaySession(transport, {
      buildConnect: (challenge) => this.#buildConnect(challenge),
      connectTimeoutMs: timeoutMs,
      clock: options.clock ?? NODE_CLOCK,
      createId: randomUUID,
      validateResults: options.validateResults,
      keepalive: options.keepalive === undefined ? undefined : { timers: NODE_INTERVAL_TIMERS, ...options.keepalive },
      onEvent: this.#resume === undefined ? options.onEvent : (event) => this.#resume?.onEvent(event),
      onClose: options.onClose,
      onGap: options.onGap,
    });
    this.#session = session;
    const resume = this.#resume;
    if (resume === undefined) return session.connect();
    resume.prepare();
    return session.connect().then(async (hello) => {
      await resume.start((method, params) => session.request(method, params));
      return hello;
    });
  }

  /** Sends a request and resolves with its payload. With `expectFinal`, an `accepted` ack is skipped. */
  request<T = unknown>(method: string, params?: unknown, options: { timeoutMs?: number; expectFinal?: boolean } = {}): Promise<T> {
    if (this.#session === undefined) return Promise.reject(new GatewayTransportError('not connected', { stage: 'socket', kind: 'NOT_CONNECTED' }));
    return this.#session.request<T>(method, params, options);
  }

  /** Calls a method by its contract (protocol/methods/): typed params and result, validated in tests and CI. */
  call<C extends MethodContract>(contract: C, params: ContractParams<C>, options: CallOptions<C> = {}): Promise<ContractResult<C>> {
    if (this.#session === undefined) return Promise.reject(new GatewayTransportError('not connected', { stage: 'socket', kind: 'NOT_CONNECTED' }));
    return this.#session.call(contract, params, options);
  }

  /** Closes the connection normally. */
  close(): void {
    this.#session?.close();
  }

  #buildConnect(challenge: ConnectChallengeInfo): ConnectParams {
    const options = this.#options;
    const client = { id: 'cli', version: CLAWGATE_VERSION, platform: platform(), mode: 'cli', instanceId: randomUUID(), ...options.client } as ClientInfo;
    const params: ConnectParams = {
      minProtocol: PROTOCOL_VERSION,
      maxProtocol: PROTOCOL_VERSION,
      client,
      caps: [],
      role: options.role ?? 'operator',
      scopes: options.scopes ?? [],
      ...options.connectExtras,
    };
    const auth: NonNullable<ConnectParams['auth']> = {};
    if (options.token !== undefined) auth.token = options.token;
    if (options.password !== undefined) auth.password = options.password;
    if (options.deviceToken !== undefined && auth.token === undefined && auth.password === undefined) auth.deviceToken = options.deviceToken;
    if (options.bootstrapToken !== undefined && Object.keys(auth).length === 0) auth.bootstrapToken = options.bootstrapToken;
    if (Object.keys(auth).length > 0) params.auth = auth;
    if (options.deviceIdentity !== undefined) {
      params.device = signDeviceProof(options.deviceIdentity, {
        clientId: client.id,
        clientMode: client.mode,
        role: params.role ?? 'operator',
        scopes: params.scopes ?? [],
        signedAtMs: challenge.ts,
        token: signatureToken(auth),
        nonce: challenge.nonce,
        platform: client.platform,
        deviceFamily: client.deviceFamily,
      });
    }
    return params;
  }
}
