/**
 * @module client/gateway-client — a protocol v4 client: challenge, connect, request correlation, tick watchdog.
 *
 * One instance is one connection. `connect()` resolves with `hello-ok`; `request()` correlates by id;
 * events are delivered to `onEvent`. If nothing arrives for 2 × tickIntervalMs the connection is closed
 * with 4000 "tick timeout" and pending requests fail (they are never replayed).
 */
import { randomUUID } from 'node:crypto';
import { platform } from 'node:os';
import WebSocket from 'ws';
import {
  CLAWGATE_VERSION,
  CloseCode,
  DEFAULT_RPC_TIMEOUT_MS,
  DEFAULT_TICK_INTERVAL_MS,
  PROTOCOL_VERSION,
  type ClientInfo,
  type ConnectParams,
  type ErrorShape,
  type EventFrame,
  type HelloOk,
  signatureToken,
} from '../protocol/index.js';
import { signDeviceProof, type DeviceIdentity } from './device-identity.js';
import type { TLSSocket } from 'node:tls';
import { GatewayRequestError, GatewayTransportError, type ConnectionStage } from './errors.js';
import { assertPinned, createPinnedTlsOptions } from './tls-pin.js';
import { checkGatewayUrl, hasInsecureWsOverride } from './url-policy.js';

/** How often long-lived clients send an application-level ping: under Tailscale Serve's ~60 s idle cut. */
export const DEFAULT_KEEPALIVE_INTERVAL_MS = 20_000;

/** Interval timers, injected so keepalive tests run without waiting. */
export interface IntervalTimers {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

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
  keepalive?: { intervalMs?: number; method?: string; params?: unknown; timers?: IntervalTimers } | undefined;
  onEvent?: (event: EventFrame) => void;
  onClose?: (code: number, reason: string) => void;
}

interface PendingRequest {
  method: string;
  resolve: (payload: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  expectFinal: boolean;
}

export class GatewayClient {
  readonly #options: GatewayClientOptions;
  readonly #pending = new Map<string, PendingRequest>();
  #socket: WebSocket | undefined;
  #stage: ConnectionStage = 'socket';
  #hello: HelloOk | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  #tickIntervalMs = DEFAULT_TICK_INTERVAL_MS;
  #requestCounter = 0;
  #closed = false;
  #keepaliveHandle: unknown;

  constructor(options: GatewayClientOptions) {
    this.#options = options;
  }

  get hello(): HelloOk | undefined {
    return this.#hello;
  }

  /** How far the connection got (for layered diagnostics). */
  get stage(): ConnectionStage {
    return this.#stage;
  }

  /** Opens the socket, answers the challenge with `connect`, and resolves with `hello-ok`. */
  connect(): Promise<HelloOk> {
    const timeoutMs = this.#options.connectTimeoutMs ?? DEFAULT_RPC_TIMEOUT_MS;
    return new Promise<HelloOk>((resolve, reject) => {
      let settled = false;
      const settle = (error: Error | undefined, hello?: HelloOk): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error !== undefined) {
          this.#teardown();
          reject(error);
        } else if (hello !== undefined) resolve(hello);
      };
      const timer = setTimeout(
        () => settle(new GatewayTransportError(`gateway timeout after ${timeoutMs}ms (stage: ${this.#stage})`, { stage: this.#stage, kind: 'TIMEOUT' })),
        timeoutMs,
      );
      let pin: string | undefined;
      try {
        pin = checkGatewayUrl(this.#options.url, {
          tlsFingerprint: this.#options.tlsFingerprint,
          allowInsecureWs: this.#options.allowInsecureWs ?? hasInsecureWsOverride(process.env),
        });
      } catch (error) {
        settle(error as Error); // a coded GatewayError: refused before any socket opened
        return;
      }
      let socket: WebSocket;
      try {
        const pinned = pin === undefined ? {} : createPinnedTlsOptions(pin);
        socket = new WebSocket(this.#options.url, { perMessageDeflate: false, handshakeTimeout: timeoutMs, ...this.#options.wsOptions, ...pinned });
      } catch (error) {
        settle(new GatewayTransportError(`invalid gateway url: ${(error as Error).message}`, { stage: 'socket', kind: 'URL' }));
        return;
      }
      this.#socket = socket;
      socket.on('upgrade', (response) => {
        if (pin !== undefined) {
          // Second, authoritative pin check: before `open`, so no frame can have been sent.
          try {
            assertPinned(response.socket as TLSSocket, pin);
          } catch (error) {
            settle(new GatewayTransportError((error as Error).message, { stage: 'socket', kind: 'TLS_FINGERPRINT_MISMATCH' }));
            return;
          }
        }
        this.#stage = 'challenge';
      });
      socket.on('open', () => {
        this.#stage = 'challenge';
        this.#armWatchdog();
      });
      socket.on('unexpected-response', (_request, response) => {
        settle(
          new GatewayTransportError(`gateway refused the WebSocket upgrade: HTTP ${response.statusCode ?? '?'}`, {
            stage: 'upgrade',
            kind: `HTTP_${response.statusCode ?? 0}`,
          }),
        );
      });
      socket.on('error', (error: NodeJS.ErrnoException) => {
        const kind = error.code ?? (/certificate|tls|ssl/i.test(error.message) ? 'TLS' : 'ERROR');
        const message = kind === 'TLS_FINGERPRINT_MISMATCH' ? error.message : `cannot reach gateway at ${this.#options.url}: ${error.message}`;
        settle(new GatewayTransportError(message, { stage: this.#stage, kind }));
      });
      socket.on('close', (code, reasonBuffer) => {
        const reason = reasonBuffer.toString();
        const error = new GatewayTransportError(`gateway closed (${code}): ${reason || closeDescription(code)}`, {
          stage: this.#stage,
          kind: 'CLOSED',
          closeCode: code,
          closeReason: reason,
        });
        settle(error);
        this.#failPending(error);
        this.#teardown();
        this.#options.onClose?.(code, reason);
      });
      socket.on('message', (data) => {
        this.#armWatchdog();
        let frame: unknown;
        try {
          frame = JSON.parse(data.toString());
        } catch {
          return;
        }
        this.#handleFrame(frame, settle);
      });
    });
  }

  /** Sends a request and resolves with its payload. With `expectFinal`, an `accepted` ack is skipped. */
  request<T = unknown>(method: string, params?: unknown, options: { timeoutMs?: number; expectFinal?: boolean } = {}): Promise<T> {
    const socket = this.#socket;
    if (socket === undefined || socket.readyState !== WebSocket.OPEN || this.#hello === undefined) {
      return Promise.reject(new GatewayTransportError('not connected', { stage: this.#stage, kind: 'NOT_CONNECTED' }));
    }
    const id = `${++this.#requestCounter}:${randomUUID()}`;
    const timeoutMs = options.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new GatewayTransportError(`gateway timeout after ${timeoutMs}ms waiting for ${method}`, { stage: 'ready', kind: 'TIMEOUT' }));
      }, timeoutMs);
      this.#pending.set(id, { method, resolve: resolve as (p: unknown) => void, reject, timer, expectFinal: options.expectFinal === true });
      socket.send(JSON.stringify(params === undefined ? { type: 'req', id, method } : { type: 'req', id, method, params }));
    });
  }

  /** Closes the connection normally. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#watchdog);
    this.#stopKeepalive();
    const socket = this.#socket;
    if (socket !== undefined && (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING)) {
      socket.close(CloseCode.NORMAL, 'client closing');
      setTimeout(() => socket.terminate(), 1000).unref();
    }
  }

  #handleFrame(frame: unknown, settleConnect: (error: Error | undefined, hello?: HelloOk) => void): void {
    if (typeof frame !== 'object' || frame === null) return;
    const record = frame as Record<string, unknown>;
    if (record['type'] === 'event') {
      const event = frame as EventFrame;
      if (event.event === 'connect.challenge' && this.#stage === 'challenge') {
        this.#sendConnect(event.payload);
        return;
      }
      this.#options.onEvent?.(event);
      return;
    }
    if (record['type'] !== 'res' || typeof record['id'] !== 'string') return;
    const ok = record['ok'] === true;
    if (record['id'] === this.#connectRequestId) {
      if (!ok) {
        settleConnect(new GatewayRequestError('connect', record['error'] as ErrorShape));
        return;
      }
      this.#hello = record['payload'] as HelloOk;
      this.#tickIntervalMs = this.#hello.policy?.tickIntervalMs ?? DEFAULT_TICK_INTERVAL_MS;
      this.#stage = 'ready';
      this.#armWatchdog();
      this.#startKeepalive();
      settleConnect(undefined, this.#hello);
      return;
    }
    const pending = this.#pending.get(record['id']);
    if (pending === undefined) return;
    const payload = record['payload'];
    if (ok && pending.expectFinal && isAcceptedAck(payload)) return;
    this.#pending.delete(record['id']);
    clearTimeout(pending.timer);
    if (ok) pending.resolve(payload);
    else pending.reject(new GatewayRequestError(pending.method, record['error'] as ErrorShape));
  }

  #connectRequestId: string | undefined;

  #sendConnect(challenge: unknown): void {
    this.#stage = 'connect';
    const options = this.#options;
    const client: ClientInfo = {
      id: 'cli',
      version: CLAWGATE_VERSION,
      platform: platform(),
      mode: 'cli',
      instanceId: randomUUID(),
      ...options.client,
    } as ClientInfo;
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
      const { nonce, ts } = readChallenge(challenge);
      params.device = signDeviceProof(options.deviceIdentity, {
        clientId: client.id,
        clientMode: client.mode,
        role: params.role ?? 'operator',
        scopes: params.scopes ?? [],
        signedAtMs: ts,
        token: signatureToken(auth),
        nonce,
        platform: client.platform,
        deviceFamily: client.deviceFamily,
      });
    }
    this.#connectRequestId = `connect:${randomUUID()}`;
    this.#socket?.send(JSON.stringify({ type: 'req', id: this.#connectRequestId, method: 'connect', params }));
  }

  #armWatchdog(): void {
    clearTimeout(this.#watchdog);
    if (this.#closed || this.#stage !== 'ready') return;
    this.#watchdog = setTimeout(() => {
      this.#socket?.close(CloseCode.TICK_TIMEOUT, 'tick timeout');
    }, this.#tickIntervalMs * 2);
    this.#watchdog.unref();
  }

  #startKeepalive(): void {
    const keepalive = this.#options.keepalive;
    if (keepalive === undefined || this.#keepaliveHandle !== undefined) return;
    const timers: IntervalTimers = keepalive.timers ?? { setInterval: (cb, ms) => setInterval(cb, ms).unref(), clearInterval: (h) => clearInterval(h as NodeJS.Timeout) };
    const method = keepalive.method ?? 'health';
    this.#keepaliveHandle = timers.setInterval(() => {
      this.request(method, keepalive.params ?? {}, { timeoutMs: keepalive.intervalMs ?? DEFAULT_KEEPALIVE_INTERVAL_MS }).catch(() => undefined);
    }, keepalive.intervalMs ?? DEFAULT_KEEPALIVE_INTERVAL_MS);
    this.#keepaliveTimers = timers;
  }

  #keepaliveTimers: IntervalTimers | undefined;

  #stopKeepalive(): void {
    if (this.#keepaliveHandle === undefined) return;
    this.#keepaliveTimers?.clearInterval(this.#keepaliveHandle);
    this.#keepaliveHandle = undefined;
  }

  #failPending(error: Error): void {
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(error);
      this.#pending.delete(id);
    }
  }

  #teardown(): void {
    clearTimeout(this.#watchdog);
    this.#stopKeepalive();
    const socket = this.#socket;
    if (socket !== undefined && socket.readyState !== WebSocket.CLOSED) socket.terminate();
  }
}

/** The challenge nonce and ts (OpenClaw node hosts sign with signedAt = the challenge's ts). */
function readChallenge(payload: unknown): { nonce: string; ts: number } {
  const record = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
  const nonce = typeof record['nonce'] === 'string' ? record['nonce'] : '';
  const ts = typeof record['ts'] === 'number' && Number.isInteger(record['ts']) ? record['ts'] : Date.now();
  return { nonce, ts };
}

function isAcceptedAck(payload: unknown): boolean {
  return typeof payload === 'object' && payload !== null && (payload as Record<string, unknown>)['status'] === 'accepted';
}

function closeDescription(code: number): string {
  switch (code) {
    case 1000:
      return 'normal closure';
    case 1006:
      return 'abnormal closure (no close frame)';
    default:
      return 'no reason';
  }
}
