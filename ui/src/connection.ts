/**
 * @module ui/connection — one live, self-healing connection to the gateway serving this page.
 *
 * A dropped socket never sends the user back to the login screen: the state becomes
 * `reconnecting`, the client core's Reconnector retries with backoff, and sends made meanwhile are
 * queued and flushed on reconnect. Only a refused credential leads to `login`. A device waiting for
 * approval (`pairing`) retries on its own and connects once approved, without a reload.
 */
import {
  GatewayRequestError,
  GatewaySession,
  Reconnector,
  globalClock,
} from '../../src/client/core/index.js';
import { type ContractParams, type ContractResult, CLAWGATE_VERSION, PROTOCOL_VERSION, signatureToken, type ConnectAuth, type ConnectParams, type EventFrame, type HelloOk, type MethodContract } from '../../src/protocol/index.js';
import { storeToken } from './credentials.js';
import { deviceTokenKey, loadIdentity, readValue, signProof, writeValue, deleteValue, type BrowserIdentity } from './identity.js';
import { BrowserTransport, sameOriginGatewayUrl } from './transport.js';

export type ConnectionStatus = 'starting' | 'connecting' | 'connected' | 'reconnecting' | 'pairing' | 'login';

export interface ConnectionState {
  status: ConnectionStatus;
  hello?: HelloOk;
  /** Why we are on the login screen, or what the last failure was. */
  message?: string;
  /** The pending pairing request, while waiting for approval. */
  requestId?: string;
  deviceId?: string;
  queued: number;
  nextRetryMs?: number;
}

export const OPERATOR_SCOPES_WANTED = ['operator.admin', 'operator.read', 'operator.write', 'operator.approvals', 'operator.pairing'];
const PAIRING_RETRY_MS = 1500;

interface Queued {
  run: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class GatewayConnection {
  #state: ConnectionState = { status: 'starting', queued: 0 };
  #session: GatewaySession | undefined;
  #identity: BrowserIdentity | undefined;
  #token: string | undefined;
  #password: string | undefined;
  #bootstrapToken: string | undefined;
  #deviceToken: string | undefined;
  #stopped = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #reconnector = new Reconnector(globalClock, { initialMs: 500, maxMs: 10_000 });
  readonly #queue: Queued[] = [];
  readonly #stateListeners = new Set<(state: ConnectionState) => void>();
  readonly #eventListeners = new Set<(event: EventFrame) => void>();
  readonly #connectedListeners = new Set<(hello: HelloOk) => void>();
  readonly #url = sameOriginGatewayUrl();
  readonly #origin = window.location.origin;

  get state(): ConnectionState {
    return this.#state;
  }

  /** Starts with whatever credentials exist (launch fragment, this tab's token, the stored device token). */
  async start(credentials: { token?: string | undefined; bootstrapToken?: string | undefined }): Promise<void> {
    this.#token = credentials.token;
    this.#bootstrapToken = credentials.bootstrapToken;
    this.#identity = await loadIdentity();
    this.#deviceToken = await readValue<string>(deviceTokenKey(this.#origin)).catch(() => undefined);
    this.#set({ deviceId: this.#identity.deviceId });
    if (this.#token === undefined && this.#deviceToken === undefined && this.#bootstrapToken === undefined) {
      this.#set({ status: 'login' });
      return;
    }
    this.#attempt();
  }

  /** Logs in with a typed secret: a token is kept for this tab once it works, a password never. */
  login(secret: string, kind: 'token' | 'password'): void {
    this.#token = kind === 'token' ? secret : undefined;
    this.#password = kind === 'password' ? secret : undefined;
    this.#set({ status: 'connecting', message: undefined });
    this.#attempt();
  }

  /** Forgets this tab's secret and this device's token (Log out). */
  async logout(): Promise<void> {
    storeToken(undefined);
    this.#token = undefined;
    this.#password = undefined;
    this.#deviceToken = undefined;
    await deleteValue(deviceTokenKey(this.#origin)).catch(() => undefined);
    clearTimeout(this.#retryTimer);
    this.#reconnector.cancel();
    // Status first: the close that follows must not schedule a reconnect.
    this.#set({ status: 'login', message: undefined });
    this.#session?.close();
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  onEvent(listener: (event: EventFrame) => void): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  /** Called after every successful (re)connect: reload whatever the panel shows. */
  onConnected(listener: (hello: HelloOk) => void): () => void {
    this.#connectedListeners.add(listener);
    if (this.#state.status === 'connected' && this.#state.hello !== undefined) listener(this.#state.hello);
    return () => this.#connectedListeners.delete(listener);
  }

  /** A typed call now; fails at once when not connected. */
  call<C extends MethodContract>(contract: C, params: ContractParams<C>): Promise<ContractResult<C>> {
    const session = this.#session;
    if (session === undefined || this.#state.status !== 'connected') return Promise.reject(new Error('not connected'));
    return session.call(contract, params, { timeoutMs: 30_000 } as never);
  }

  /** A typed call that waits for the connection when it is down (sends survive a reconnect). */
  callQueued<C extends MethodContract>(contract: C, params: ContractParams<C>): Promise<ContractResult<C>> {
    if (this.#state.status === 'connected') return this.call(contract, params);
    return new Promise((resolve, reject) => {
      this.#queue.push({ run: () => this.call(contract, params), resolve: resolve as (value: unknown) => void, reject });
      this.#set({ queued: this.#queue.length });
    });
  }

  #attempt(): void {
    if (this.#stopped || this.#identity === undefined) return;
    const identity = this.#identity;
    const auth = this.#auth();
    const transport = new BrowserTransport(this.#url);
    const session = new GatewaySession(transport, {
      buildConnect: (challenge) => buildConnectParams(identity, auth, challenge),
      connectTimeoutMs: 15_000,
      validateResults: false,
      keepalive: { intervalMs: 20_000 },
      onEvent: (event) => {
        for (const listener of this.#eventListeners) listener(event);
      },
      onClose: () => {
        if (this.#session !== session) return;
        this.#session = undefined;
        if (this.#state.status === 'connected') this.#scheduleReconnect('connection lost');
      },
    });
    this.#session = session;
    if (this.#state.status !== 'reconnecting' && this.#state.status !== 'pairing') this.#set({ status: 'connecting' });
    session.connect().then(
      (hello) => this.#connected(session, hello, auth),
      (error: unknown) => this.#failed(session, error, auth),
    );
  }

  #auth(): ConnectAuth {
    if (this.#token !== undefined) return { token: this.#token };
    if (this.#password !== undefined) return { password: this.#password };
    if (this.#deviceToken !== undefined) return { deviceToken: this.#deviceToken };
    if (this.#bootstrapToken !== undefined) return { bootstrapToken: this.#bootstrapToken };
    return {};
  }

  async #connected(session: GatewaySession, hello: HelloOk, auth: ConnectAuth): Promise<void> {
    if (this.#session !== session) return;
    this.#reconnector.reset();
    if (auth.token !== undefined) storeToken(auth.token);
    const issued = (hello.auth as { deviceToken?: string } | undefined)?.deviceToken;
    if (typeof issued === 'string' && issued !== '') {
      this.#deviceToken = issued;
      // A password session keeps nothing durable: the device token it earned lives in memory too,
      // so a reload asks for the password again (the token login's device token is kept).
      if (auth.password === undefined) await writeValue(deviceTokenKey(this.#origin), issued).catch(() => undefined);
    }
    // A one-time code is spent once it brought a device token.
    this.#bootstrapToken = undefined;
    this.#set({ status: 'connected', hello, message: undefined, requestId: undefined });
    // Sends queued while down go first, so the history panels re-read next already contains them.
    const flushed = this.#queue.splice(0).map((queued) => queued.run().then(queued.resolve, queued.reject));
    this.#set({ queued: 0 });
    await Promise.allSettled(flushed);
    if (this.#session !== session) return;
    for (const listener of this.#connectedListeners) listener(hello);
  }

  #failed(session: GatewaySession, error: unknown, auth: ConnectAuth): void {
    if (this.#session === session) this.#session = undefined;
    session.close();
    if (error instanceof GatewayRequestError) {
      const code = error.detailCode;
      if (code === 'PAIRING_REQUIRED' || error.shape.code === 'NOT_PAIRED') {
        const requestId = (error.shape.details as { requestId?: string } | undefined)?.requestId;
        this.#set({ status: 'pairing', message: error.message, ...(requestId === undefined ? {} : { requestId }) });
        this.#retryTimer = setTimeout(() => this.#attempt(), PAIRING_RETRY_MS);
        return;
      }
      if (error.isAuthFailure || code.startsWith('AUTH_')) {
        if (auth.deviceToken !== undefined) {
          // The device token was revoked or replaced: forget it and fall back to a secret, if any.
          this.#deviceToken = undefined;
          void deleteValue(deviceTokenKey(this.#origin)).catch(() => undefined);
          if (this.#token !== undefined || this.#password !== undefined || this.#bootstrapToken !== undefined) return this.#attempt();
        }
        if (auth.token !== undefined) storeToken(undefined);
        if (auth.bootstrapToken !== undefined) this.#bootstrapToken = undefined;
        this.#token = undefined;
        this.#password = undefined;
        this.#set({ status: 'login', message: error.message });
        return;
      }
    }
    this.#scheduleReconnect(error instanceof Error ? error.message : String(error));
  }

  #scheduleReconnect(message: string): void {
    if (this.#stopped) return;
    const delayMs = this.#reconnector.schedule(() => this.#attempt());
    this.#set({ status: 'reconnecting', message, nextRetryMs: delayMs });
  }

  #set(patch: Partial<ConnectionState>): void {
    const next = { ...this.#state, ...patch } as ConnectionState;
    for (const key of Object.keys(patch) as (keyof ConnectionState)[]) if (patch[key] === undefined) delete next[key];
    this.#state = next;
    for (const listener of this.#stateListeners) listener(next);
  }
}

function buildConnectParams(identity: BrowserIdentity, auth: ConnectAuth, challenge: { nonce: string; ts: number }): ConnectParams {
  const client = { id: 'openclaw-control-ui' as const, version: CLAWGATE_VERSION, platform: 'web', deviceFamily: 'browser', mode: 'webchat' as const };
  const device = signProof(identity, {
    clientId: client.id,
    clientMode: client.mode,
    role: 'operator',
    scopes: OPERATOR_SCOPES_WANTED,
    signedAtMs: challenge.ts,
    token: signatureToken(auth),
    nonce: challenge.nonce,
    platform: client.platform,
    deviceFamily: client.deviceFamily,
  });
  return {
    minProtocol: PROTOCOL_VERSION,
    maxProtocol: PROTOCOL_VERSION,
    client,
    caps: ['tool-events'],
    role: 'operator',
    scopes: OPERATOR_SCOPES_WANTED,
    device,
    auth,
    userAgent: navigator.userAgent.slice(0, 200),
  };
}
