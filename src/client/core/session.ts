/**
 * @module client/core/session — one protocol v4 connection over a `Transport`: challenge, connect,
 * correlation, two-phase answers, tick watchdog, keepalive and seq-gap reports.
 *
 * Browser-safe: sockets, TLS pinning and device keys stay outside (client/node/). `connect()` resolves
 * with `hello-ok`; `request()` and `call()` correlate by id; events go to `onEvent`, missed events to
 * `onGap`. If nothing arrives for 2 × tickIntervalMs the connection is closed with 4000 "tick timeout"
 * and pending requests fail (they are never replayed).
 */
import {
  CloseCode,
  DEFAULT_RPC_TIMEOUT_MS,
  DEFAULT_TICK_INTERVAL_MS,
  type ConnectParams,
  type ContractParams,
  type ContractResult,
  type EventFrame,
  type HelloOk,
  type MethodContract,
} from '../../protocol/index.js';
import { globalClock, globalIntervalTimers, type ClientClock, type IntervalTimers } from './clock.js';
import { assertContractPayload, isResultValidationRequested, type CallOptions } from './contract-call.js';
import { GatewayRequestError, GatewayTransportError, type ConnectionStage } from './errors.js';
import { PendingRequests, toErrorShape } from './pending-requests.js';
import { SeqTracker, type SeqGap } from './seq-tracker.js';
import { TickWatchdog } from './tick-watchdog.js';
import type { Transport } from './transport.js';

/** How often long-lived clients send an application-level ping: under Tailscale Serve's ~60 s idle cut. */
export const DEFAULT_KEEPALIVE_INTERVAL_MS = 20_000;

/** The challenge a connect answers: the nonce to sign and the gateway's clock at the time. */
export interface ConnectChallengeInfo {
  nonce: string;
  ts: number;
}

export interface KeepaliveOptions {
  /** Interval in ms (default 20 s). */
  intervalMs?: number;
  /** The request sent as a ping (default `health`); its answer, success or error, is ignored. */
  method?: string;
  params?: unknown;
  timers?: IntervalTimers;
}

export interface GatewaySessionOptions {
  /** The connect params for this challenge (a Node client signs the nonce with its device key here). */
  buildConnect(challenge: ConnectChallengeInfo): ConnectParams;
  /** Budget for the handshake, in ms (default DEFAULT_RPC_TIMEOUT_MS). */
  connectTimeoutMs?: number | undefined;
  clock?: ClientClock;
  /** Request ids (default: `crypto.randomUUID`, present in browsers and Node ≥ 19). */
  createId?: () => string;
  /** Check results and acks of `call()` against their contracts (default: CLAWGATE_VALIDATE_RESULTS=1). */
  validateResults?: boolean | undefined;
  /** Application-level keepalive for long-lived clients behind idle-cutting proxies. Off unless given. */
  keepalive?: KeepaliveOptions | undefined;
  onEvent?: ((event: EventFrame) => void) | undefined;
  onClose?: ((code: number, reason: string) => void) | undefined;
  /** Events were missed (the frame `seq` jumped); re-read whatever state they carried. */
  onGap?: ((gap: SeqGap) => void) | undefined;
}

type Settle = (error: Error | undefined, hello?: HelloOk) => void;

export class GatewaySession {
  readonly #transport: Transport;
  readonly #options: GatewaySessionOptions;
  readonly #clock: ClientClock;
  readonly #pending: PendingRequests;
  readonly #watchdog: TickWatchdog;
  readonly #seq = new SeqTracker();
  readonly #createId: () => string;
  readonly #shouldValidate: boolean;
  #stage: ConnectionStage = 'socket';
  #hello: HelloOk | undefined;
  #isOpen = false;
  #isClosed = false;
  #connectRequestId: string | undefined;
  #settleConnect: Settle | undefined;
  #keepalive: { timers: IntervalTimers; handle: unknown } | undefined;
  #requestCounter = 0;

  constructor(transport: Transport, options: GatewaySessionOptions) {
    this.#transport = transport;
    this.#options = options;
    this.#clock = options.clock ?? globalClock;
    this.#pending = new PendingRequests(this.#clock);
    this.#watchdog = new TickWatchdog(this.#clock, () => this.#transport.close(CloseCode.TICK_TIMEOUT, 'tick timeout'));
    this.#createId = options.createId ?? (() => globalThis.crypto.randomUUID());
    this.#shouldValidate = options.validateResults ?? isResultValidationRequested();
    transport.onOpen(() => this.#transportOnOpen());
    transport.onMessage((text) => this.#transportOnMessage(text));
    transport.onError((error) => this.#settleConnect?.(error));
    transport.onClose((code, reason) => this.#transportOnClose(code, reason));
  }

  get hello(): HelloOk | undefined {
    return this.#hello;
  }

  /** How far the connection got (for layered diagnostics). */
  get stage(): ConnectionStage {
    return this.#stage;
  }

  /** Waits for the challenge, answers it with `connect`, and resolves with `hello-ok`. Call once. */
  connect(): Promise<HelloOk> {
    const timeoutMs = this.#options.connectTimeoutMs ?? DEFAULT_RPC_TIMEOUT_MS;
    return new Promise<HelloOk>((resolve, reject) => {
      let isSettled = false;
      const timer = this.#clock.setTimeout(
        () => settle(new GatewayTransportError(`gateway timeout after ${timeoutMs}ms (stage: ${this.#stage})`, { stage: this.#stage, kind: 'TIMEOUT' })),
        timeoutMs,
      );
      const settle: Settle = (error, hello) => {
        if (isSettled) return;
        isSettled = true;
        this.#settleConnect = undefined;
        this.#clock.clearTimeout(timer);
        if (error !== undefined) {
          this.#teardown();
          reject(error);
        } else if (hello !== undefined) resolve(hello);
      };
      this.#settleConnect = settle;
    });
  }

  /** Sends a request and resolves with its final payload. With `expectFinal`, `accepted` acks go to `onAck`. */
  request<T = unknown>(method: string, params?: unknown, options: { timeoutMs?: number; expectFinal?: boolean; onAck?: (ack: unknown) => void } = {}): Promise<T> {
    if (!this.#isOpen || this.#isClosed || this.#hello === undefined) {
      return Promise.reject(new GatewayTransportError('not connected', { stage: this.#stage, kind: 'NOT_CONNECTED' }));
    }
    const id = `${++this.#requestCounter}:${this.#createId()}`;
    const answer = this.#pending.track(id, method, {
      timeoutMs: options.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS,
      expectFinal: options.expectFinal === true,
      onAck: options.onAck,
    });
    this.#transport.send(JSON.stringify(params === undefined ? { type: 'req', id, method } : { type: 'req', id, method, params }));
    return answer as Promise<T>;
  }

  /**
   * Calls a method by its contract: a two-response contract waits for the final answer and hands the
   * interim ack to `options.onAck`; with validation on, the ack and result must fit the contract.
   */
  async call<C extends MethodContract>(contract: C, params: ContractParams<C>, options: CallOptions<C> = {}): Promise<ContractResult<C>> {
    const isTwoPhase = contract.ack !== undefined;
    const onAck = (ack: unknown): void => {
      if (this.#shouldValidate) assertContractPayload(contract, 'ack', ack);
      options.onAck?.(ack as Parameters<NonNullable<CallOptions<C>['onAck']>>[0]);
    };
    const payload = await this.request(contract.name, params, {
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      expectFinal: isTwoPhase,
      ...(isTwoPhase ? { onAck } : {}),
    });
    if (this.#shouldValidate) assertContractPayload(contract, 'result', payload);
    return payload as ContractResult<C>;
  }

  /** Closes the connection normally. */
  close(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#watchdog.stop();
    this.#stopKeepalive();
    this.#transport.close(CloseCode.NORMAL, 'client closing');
  }

  #transportOnOpen(): void {
    this.#isOpen = true;
    this.#stage = 'challenge';
  }

  #transportOnMessage(text: string): void {
    this.#watchdog.touch();
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof frame !== 'object' || frame === null) return;
    const record = frame as Record<string, unknown>;
    if (record['type'] === 'event') return this.#handleEvent(frame as EventFrame);
    if (record['type'] !== 'res' || typeof record['id'] !== 'string') return;
    const response = { id: record['id'], ok: record['ok'] === true, payload: record['payload'], error: record['error'] };
    if (response.id === this.#connectRequestId) return this.#handleHello(response);
    this.#pending.settle(response);
  }

  #handleEvent(event: EventFrame): void {
    if (event.event === 'connect.challenge') {
      if (this.#stage === 'challenge') this.#sendConnect(readChallenge(event.payload, this.#clock.now()));
      return;
    }
    const gap = this.#seq.observe(event.seq);
    if (gap !== undefined) this.#options.onGap?.(gap);
    this.#options.onEvent?.(event);
  }

  #sendConnect(challenge: ConnectChallengeInfo): void {
    this.#stage = 'connect';
    let params: ConnectParams;
    try {
      params = this.#options.buildConnect(challenge);
    } catch (error) {
      this.#settleConnect?.(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    this.#connectRequestId = `connect:${this.#createId()}`;
    this.#transport.send(JSON.stringify({ type: 'req', id: this.#connectRequestId, method: 'connect', params }));
  }

  #handleHello(response: { ok: boolean; payload: unknown; error: unknown }): void {
    if (!response.ok) {
      this.#settleConnect?.(new GatewayRequestError('connect', toErrorShape(response.error)));
      return;
    }
    const hello = response.payload as HelloOk;
    this.#hello = hello;
    this.#stage = 'ready';
    this.#watchdog.start(hello.policy?.tickIntervalMs ?? DEFAULT_TICK_INTERVAL_MS);
    this.#startKeepalive();
    this.#settleConnect?.(undefined, hello);
  }

  #transportOnClose(code: number, reason: string): void {
    const error = new GatewayTransportError(`gateway closed (${code}): ${reason || closeDescription(code)}`, {
      stage: this.#stage,
      kind: 'CLOSED',
      closeCode: code,
      closeReason: reason,
    });
    // The transport is gone: nothing left to close.
    this.#isOpen = false;
    this.#isClosed = true;
    this.#settleConnect?.(error);
    this.#pending.failAll(error);
    this.#teardown();
    this.#options.onClose?.(code, reason);
  }

  #startKeepalive(): void {
    const keepalive = this.#options.keepalive;
    if (keepalive === undefined || this.#keepalive !== undefined) return;
    const timers = keepalive.timers ?? globalIntervalTimers;
    const intervalMs = keepalive.intervalMs ?? DEFAULT_KEEPALIVE_INTERVAL_MS;
    const method = keepalive.method ?? 'health';
    const handle = timers.setInterval(() => {
      this.request(method, keepalive.params ?? {}, { timeoutMs: intervalMs }).catch(() => undefined);
    }, intervalMs);
    this.#keepalive = { timers, handle };
  }

  #stopKeepalive(): void {
    if (this.#keepalive === undefined) return;
    this.#keepalive.timers.clearInterval(this.#keepalive.handle);
    this.#keepalive = undefined;
  }

  #teardown(): void {
    this.#watchdog.stop();
    this.#stopKeepalive();
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#transport.close(CloseCode.NORMAL, 'client closing');
  }
}

/** The challenge nonce and ts (OpenClaw node hosts sign with signedAt = the challenge's ts). */
function readChallenge(payload: unknown, nowMs: number): ConnectChallengeInfo {
  const record = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
  const nonce = typeof record['nonce'] === 'string' ? record['nonce'] : '';
  const ts = typeof record['ts'] === 'number' && Number.isInteger(record['ts']) ? record['ts'] : nowMs;
  return { nonce, ts };
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
