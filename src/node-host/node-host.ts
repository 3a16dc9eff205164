/**
 * @module node-host/node-host — a headless node: connects with role `node`, answers `node.invoke.request`.
 *
 * States: `connecting` → `connected` → (socket lost) `waiting` → `connecting` …; `stopped` after
 * `stop()`, `failed` after a credential the gateway will never accept (auth errors, protocol
 * mismatch: retrying cannot help, so the host stops and the CLI exits non-zero, as OpenClaw's does).
 * Every transition writes one log line. Reconnects back off exponentially with jitter; the device
 * identity and stored device token are reused, so a reconnect never needs a new pairing.
 */
import { platform } from 'node:os';
import type WebSocket from 'ws';
import { GatewayClient, GatewayRequestError, GatewayTransportError, loadOrCreateDeviceIdentity, Reconnector, type BackoffOptions, type DeviceIdentity } from '../client/index.js';
import {
  CLAWGATE_VERSION,
  DEFAULT_RPC_TIMEOUT_MS,
  GatewayError,
  NodeInvokeRequestEventSchema,
  compileSchema,
  deviceFamilyFor,
  nodeInvokeResult,
  type ClientInfo,
  type EventFrame,
  type HelloOk,
  type NodeInvokeResultParams,
} from '../protocol/index.js';
import { createBuiltinCommands, type CommandTable } from './commands/index.js';
import type { Clock } from '../time/index.js';
import { loadDeviceToken, loadOrCreateNodeConfig, resolveNodeStatePaths, saveDeviceToken, type NodeStatePaths } from './node-state.js';

export type NodeHostState = 'idle' | 'connecting' | 'connected' | 'waiting' | 'stopped' | 'failed';

/** The part of the one Clock (time/clock.ts) the node host needs: its reconnect timer. */
export type NodeHostTimers = Pick<Clock, 'setTimeout' | 'clearTimeout'>;

export interface NodeHostOptions {
  url: string;
  token?: string | undefined;
  password?: string | undefined;
  /**
   * Setup-code bootstrap token (`clawgate node run --pair`): used only until the gateway issues a
   * device token, which is stored and preferred from then on (so re-running with a spent code works).
   */
  bootstrapToken?: string | undefined;
  /** Clawgate state dir; the node's files live in `<stateDir>/node/`. */
  stateDir: string;
  displayName?: string | undefined;
  tlsFingerprint?: string | undefined;
  wsOptions?: WebSocket.ClientOptions;
  /** One human-readable line per state change (never a secret). */
  log: (line: string) => void;
  timers?: NodeHostTimers;
  backoff?: BackoffOptions;
  commands?: CommandTable;
  /** PATH used to find executables (default: this process's PATH). */
  searchPath?: string | undefined;
  connectTimeoutMs?: number;
}

/** Error codes after which reconnecting cannot succeed without the operator fixing something. */
const TERMINAL_CODES = new Set(['AUTH_TOKEN_MISSING', 'AUTH_TOKEN_MISMATCH', 'AUTH_PASSWORD_MISSING', 'AUTH_PASSWORD_MISMATCH', 'AUTH_DEVICE_TOKEN_MISMATCH', 'PROTOCOL_MISMATCH', 'CONNECT_PARAMS_INVALID', 'INVALID_ROLE', 'AUTH_BOOTSTRAP_TOKEN_INVALID']);

const invokeRequest = compileSchema(NodeInvokeRequestEventSchema);

// Unlike time's systemClock these timers are ref'd: between reconnect attempts the retry timer is
// the only thing keeping the node host process alive.
const DEFAULT_TIMERS: NodeHostTimers = { setTimeout: (callback, ms) => setTimeout(callback, ms), clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout) };

export class NodeHost {
  readonly identity: DeviceIdentity;
  readonly paths: NodeStatePaths;
  readonly #options: NodeHostOptions;
  readonly #commands: CommandTable;
  readonly #instanceId: string;
  readonly #displayName: string | undefined;
  #state: NodeHostState = 'idle';
  #client: GatewayClient | undefined;
  readonly #reconnector: Reconnector;
  #finished: { resolve: (state: NodeHostState) => void; promise: Promise<NodeHostState> };

  constructor(options: NodeHostOptions) {
    this.#options = options;
    this.#reconnector = new Reconnector(options.timers ?? DEFAULT_TIMERS, options.backoff);
    this.#commands = options.commands ?? createBuiltinCommands();
    this.paths = resolveNodeStatePaths(options.stateDir);
    this.identity = loadOrCreateDeviceIdentity(this.paths.identityPath);
    const config = loadOrCreateNodeConfig(this.paths.configPath, options.displayName);
    this.#instanceId = config.instanceId;
    this.#displayName = config.displayName;
    let resolve: (state: NodeHostState) => void = () => undefined;
    const promise = new Promise<NodeHostState>((r) => (resolve = r));
    this.#finished = { resolve, promise };
  }

  /** This node's id as the gateway knows it (its device id). */
  get nodeId(): string {
    return this.identity.deviceId;
  }

  get state(): NodeHostState {
    return this.#state;
  }

  /** Starts connecting; resolves when the host stops (`stopped`) or gives up (`failed`). */
  run(): Promise<NodeHostState> {
    if (this.#state === 'idle') this.#connect();
    return this.#finished.promise;
  }

  /** Closes the connection and stops reconnecting. */
  stop(): void {
    if (this.#state === 'stopped' || this.#state === 'failed') return;
    this.#reconnector.cancel();
    this.#setState('stopped', 'stopped');
    this.#client?.close();
    this.#finished.resolve('stopped');
  }

  #connect(): void {
    const { url, token, password } = this.#options;
    this.#setState('connecting', `connecting to ${url}${this.#reconnector.attempt > 0 ? ` (attempt ${this.#reconnector.attempt + 1})` : ''}`);
    const pathEnv = this.#searchPath();
    // ClientInfo's id and mode are closed enums; 'node-host'/'node' is what OpenClaw's node host sends.
    const clientInfo = { id: 'node-host', mode: 'node', version: CLAWGATE_VERSION, platform: platform(), deviceFamily: deviceFamilyFor(platform()), instanceId: this.#instanceId } as Partial<ClientInfo>;
    if (this.#displayName !== undefined) clientInfo.displayName = this.#displayName;
    const client: GatewayClient = new GatewayClient({
      url,
      token,
      password,
      role: 'node',
      scopes: [],
      client: clientInfo,
      connectExtras: { caps: ['system'], commands: [...this.#commands.keys()], ...(pathEnv !== undefined ? { pathEnv } : {}) },
      deviceIdentity: this.identity,
      deviceToken: loadDeviceToken(this.paths.deviceAuthPath, this.identity.deviceId),
      bootstrapToken: this.#options.bootstrapToken,
      tlsFingerprint: this.#options.tlsFingerprint,
      connectTimeoutMs: this.#options.connectTimeoutMs ?? DEFAULT_RPC_TIMEOUT_MS,
      // Nodes live for days behind proxies that cut idle WebSockets (Tailscale Serve at ~60 s): a
      // node-allowed request every 20 s keeps traffic flowing both ways and refreshes last-seen
      // (`background` is a trigger OpenClaw's NodePresenceAlivePayload accepts).
      keepalive: { method: 'node.event', params: { event: 'node.presence.alive', payload: { trigger: 'background' } } },
      ...(this.#options.wsOptions !== undefined ? { wsOptions: this.#options.wsOptions } : {}),
      onEvent: (event) => this.#clientOnEvent(client, event),
      onClose: (code, reason) => this.#clientOnClose(client, code, reason),
    });
    this.#client = client;
    client.connect().then(
      (hello) => this.#clientOnHello(client, hello),
      (error: unknown) => this.#clientOnConnectError(client, error),
    );
  }

  #clientOnHello(client: GatewayClient, hello: HelloOk): void {
    if (client !== this.#client || this.#state !== 'connecting') return;
    this.#reconnector.reset();
    if (hello.auth.deviceToken !== undefined) saveDeviceToken(this.paths.deviceAuthPath, this.identity.deviceId, hello.auth.deviceToken, Date.now());
    this.#setState('connected', `connected as node ${this.nodeId} (protocol ${hello.protocol}; commands: ${[...this.#commands.keys()].join(', ')})`);
  }

  #clientOnConnectError(client: GatewayClient, error: unknown): void {
    if (client !== this.#client || this.#state !== 'connecting') return;
    if (error instanceof GatewayRequestError) {
      const code = error.detailCode;
      if (TERMINAL_CODES.has(code)) {
        this.#setState('failed', `gateway refused this node: ${error.message} [${code}]; not retrying (fix the credential and restart)`);
        this.#finished.resolve('failed');
        return;
      }
      if (code === 'PAIRING_REQUIRED' || error.shape.code === 'NOT_PAIRED') {
        const details = error.shape.details as Record<string, unknown> | undefined;
        const requestId = typeof details?.['requestId'] === 'string' ? ` (requestId ${details['requestId']})` : '';
        return this.#retry(`waiting for device pairing approval${requestId}`);
      }
      return this.#retry(`connect refused: ${error.message} [${code}]`);
    }
    this.#retry(`connect failed: ${error instanceof Error ? error.message : String(error)}`, error instanceof GatewayTransportError ? error.retryAfterMs : undefined);
  }

  #clientOnClose(client: GatewayClient, code: number, reason: string): void {
    if (client !== this.#client || this.#state !== 'connected') return;
    this.#retry(`connection lost (${code}${reason ? `: ${reason}` : ''})`);
  }

  #retry(why: string, retryAfterMs?: number): void {
    const delayMs = this.#reconnector.schedule(
      () => {
        if (this.#state === 'waiting') this.#connect();
      },
      { retryAfterMs },
    );
    this.#setState('waiting', `${why}; reconnecting in ${delayMs} ms`);
  }

  #clientOnEvent(client: GatewayClient, event: EventFrame): void {
    if (event.event !== 'node.invoke.request' || client !== this.#client) return;
    if (!invokeRequest.check(event.payload)) {
      this.#options.log(`node host: ignored a malformed node.invoke.request (${invokeRequest.explain(event.payload)})`);
      return;
    }
    void this.#answerInvoke(client, event.payload);
  }

  async #answerInvoke(client: GatewayClient, request: { id: string; command: string; paramsJSON?: string | undefined; timeoutMs?: number | undefined }): Promise<void> {
    const base = { id: request.id, nodeId: this.nodeId };
    let result: NodeInvokeResultParams;
    try {
      const payload = await this.#runCommand(request);
      result = { ...base, ok: true, payloadJSON: JSON.stringify(payload ?? null) };
    } catch (error) {
      const coded = error instanceof GatewayError ? error : new GatewayError('SYSTEM_RUN_FAILED', { executable: request.command, reason: 'command crashed' });
      result = { ...base, ok: false, error: { code: coded.code, message: coded.message } };
    }
    try {
      await client.call(nodeInvokeResult, result, { timeoutMs: DEFAULT_RPC_TIMEOUT_MS });
    } catch (error) {
      this.#options.log(`node host: could not deliver the result of ${request.command}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async #runCommand(request: { command: string; paramsJSON?: string | undefined; timeoutMs?: number | undefined }): Promise<unknown> {
    const handler = this.#commands.get(request.command);
    if (handler === undefined) throw new GatewayError('NODE_HOST_UNKNOWN_COMMAND', { command: request.command });
    let params: unknown = {};
    if (request.paramsJSON !== undefined) {
      try {
        params = JSON.parse(request.paramsJSON) as unknown;
      } catch {
        throw new GatewayError('NODE_HOST_INVALID_PARAMS', { command: request.command, reason: 'paramsJSON is not valid JSON' });
      }
    }
    return handler(params, { searchPath: this.#searchPath(), execApprovalsPath: this.paths.execApprovalsPath, deadlineMs: request.timeoutMs });
  }

  #searchPath(): string | undefined {
    return this.#options.searchPath ?? process.env['PATH'];
  }

  #setState(next: NodeHostState, line: string): void {
    this.#state = next;
    this.#options.log(`node host: ${line}`);
  }
}
