/**
 * @module bench/storm — a reconnect storm: 1,000 approved nodes (and some UI watchers) connected, the
 * gateway restarted, time until every one of them is back and authenticated (issue 12: < 30 s).
 *
 * Each client is Clawgate's own: a GatewayClient per node, signed with its device key, reconnecting
 * through the Reconnector the node host uses (exponential backoff from 1 s, ±25 % jitter, cap 30 s).
 * All sockets come from loopback, i.e. ONE source for the gateway's admission: at most 32 handshakes
 * in flight from it (64 in all), so this is the worst case; refused upgrades (HTTP 503 + Retry-After:
 * 1) are retried after 0.5–1.5 s without growing the backoff, as the node host does. The restart is SIGTERM (the gateway says `shutdown` and closes every socket)
 * and a new process on the same port and state dir, so approvals and the token survive.
 *
 * Not part of `npm test`. Run: `npm run build && node dist/bench/storm.js`. Sizes: STORM_NODES=1000
 * STORM_WATCHERS=50; STORM_AUTH=device-token (default, as a paired node) or shared-token. Prints one JSON document on stdout; progress on stderr.
 */
import { randomUUID } from 'node:crypto';
import { GatewayClient, GatewayRequestError, GatewayTransportError, Reconnector, createDeviceIdentity, type DeviceIdentity } from '../src/client/index.js';
import { httpStatus, spawnClawgate, type ClawgateProcess } from './lib/processes.js';
import { percentile, round } from './lib/stats.js';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const NODES = env('STORM_NODES', 1000);
const WATCHERS = env('STORM_WATCHERS', 50);
const AUTH = process.env['STORM_AUTH'] === 'shared-token' ? 'shared-token' : 'device-token';
/** The target: everyone back within this long after the restart began. */
const TARGET_MS = 30_000;
const GIVE_UP_MS = 120_000;

/** Failed attempts by kind (ECONNREFUSED, HTTP_503, a detail code …), for the report. */
const failureKinds = new Map<string, number>();

/** Builds a client for one attempt; `onHello` registers what to do once it authenticated. */
type MakeClient = (onClose: () => void, onHello: (callback: () => void) => void) => GatewayClient;

/** One reconnecting client; `backAt` is when its latest hello-ok arrived (performance.now()). */
class StormClient {
  readonly #makeClient: MakeClient;
  readonly #reconnector = new Reconnector({ setTimeout: (callback, ms) => setTimeout(callback, ms), clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout) });
  #client: GatewayClient | undefined;
  #isStopped = false;
  connectedAt: number | undefined;
  attempts = 0;
  refusals = 0;

  constructor(makeClient: MakeClient) {
    this.#makeClient = makeClient;
  }

  /** Connects (retrying with backoff) until authenticated; resolves at the first hello-ok. */
  start(): Promise<void> {
    return new Promise((resolve) => this.#connect(resolve));
  }

  stop(): void {
    this.#isStopped = true;
    this.#reconnector.cancel();
    this.#client?.close();
  }

  #connect(onBack: () => void): void {
    if (this.#isStopped) return;
    this.attempts += 1;
    let isUp = false;
    const retry = (retryAfterMs?: number): void => {
      if (!this.#isStopped) this.#reconnector.schedule(() => this.#connect(onBack), { retryAfterMs });
    };
    let afterHello = (): void => undefined;
    const client = this.#makeClient(
      () => {
        if (!isUp) return; // a failed attempt is retried from the rejection below
        isUp = false;
        this.connectedAt = undefined;
        retry();
      },
      (callback) => (afterHello = callback),
    );
    this.#client = client;
    client.connect().then(
      () => {
        afterHello();
        isUp = true;
        this.connectedAt = performance.now();
        this.#reconnector.reset();
        onBack();
      },
      (error: unknown) => {
        this.refusals += 1;
        const kind = error instanceof GatewayTransportError ? error.kind : error instanceof GatewayRequestError ? error.detailCode : 'other';
        failureKinds.set(kind, (failureKinds.get(kind) ?? 0) + 1);
        // As the node host does: a busy refusal (503 + Retry-After) is retried after about that long.
        retry(error instanceof GatewayTransportError ? error.retryAfterMs : undefined);
      },
    );
  }
}

/**
 * A node as a paired node host reconnects: the first connect with the shared token (the gateway
 * approves the device and issues a device token in hello-ok), every later one with that device token
 * (STORM_AUTH=shared-token keeps sending the shared token, which re-issues a token on every connect).
 */
function nodeClient(url: string, token: string, identity: DeviceIdentity): MakeClient {
  const instanceId = randomUUID();
  let deviceToken: string | undefined;
  return (onClose, onHello) => {
    onHello(() => (deviceToken ??= client.hello?.auth?.deviceToken));
    const client: GatewayClient = new GatewayClient({
      onClose,
      url,
      ...(deviceToken === undefined || AUTH === 'shared-token' ? { token } : { deviceToken }),
      role: 'node',
      scopes: [],
      client: { id: 'node-host', mode: 'node', version: 'storm', platform: 'linux', deviceFamily: 'Linux', instanceId },
      connectExtras: { caps: ['system'], commands: ['storm.echo'] },
      deviceIdentity: identity,
      connectTimeoutMs: 20_000,
    });
    return client;
  };
}

function watcherClient(url: string, token: string): MakeClient {
  const instanceId = randomUUID();
  return (onClose) => new GatewayClient({ onClose, url, token, scopes: ['operator.read'], client: { id: 'openclaw-control-ui', mode: 'ui', version: 'storm', platform: 'linux', instanceId }, connectTimeoutMs: 20_000 });
}

async function approveAll(gateway: ClawgateProcess, nodeIds: readonly string[]): Promise<void> {
  const admin = new GatewayClient({ url: gateway.url, token: gateway.token(), scopes: ['operator.admin', 'operator.pairing', 'operator.read'] });
  await admin.connect();
  const wanted = new Set(nodeIds);
  const { pending } = await admin.request<{ pending: { requestId: string; nodeId: string }[] }>('node.pair.list', {});
  for (const request of pending.filter((p) => wanted.has(p.nodeId))) await admin.request('node.pair.approve', { requestId: request.requestId });
  const { nodes } = await admin.request<{ nodes: { nodeId: string; approvalState?: string }[] }>('node.list', {});
  admin.close();
  const approved = nodes.filter((n) => wanted.has(n.nodeId) && n.approvalState === 'approved').length;
  if (approved !== nodeIds.length) throw new Error(`only ${approved} of ${nodeIds.length} nodes approved`);
}

/** Opens clients in bursts of 16 (one host may hold 32 handshakes at once). */
async function startAll(clients: readonly StormClient[]): Promise<void> {
  for (let i = 0; i < clients.length; i += 16) await Promise.all(clients.slice(i, i + 16).map((client) => client.start()));
}

async function waitUntilReady(port: number, limitMs: number): Promise<number> {
  const startedAt = performance.now();
  while ((await httpStatus(port, '/health')) !== 200) {
    if (performance.now() - startedAt > limitMs) throw new Error(`the gateway did not become ready within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return performance.now();
}

function progress(message: string): void {
  process.stderr.write(`storm: ${message}\n`);
}

async function main(): Promise<void> {
  const gateway = await spawnClawgate();
  const clients: StormClient[] = [];
  try {
    await waitUntilReady(gateway.port, 20_000);
    const token = gateway.token();
    const identities = Array.from({ length: NODES }, () => createDeviceIdentity());
    const nodes = identities.map((identity) => new StormClient(nodeClient(gateway.url, token, identity)));
    const watchers = Array.from({ length: WATCHERS }, () => new StormClient(watcherClient(gateway.url, token)));
    clients.push(...nodes, ...watchers);
    progress(`connecting ${NODES} nodes and ${WATCHERS} watchers`);
    const connectStarted = performance.now();
    await startAll(clients);
    const initialConnectMs = performance.now() - connectStarted;
    await approveAll(gateway, identities.map((identity) => identity.deviceId));
    for (const client of clients) (client.attempts = 0), (client.refusals = 0);
    failureKinds.clear();

    progress('restarting the gateway');
    const restartedAt = performance.now();
    await gateway.restart();
    const exitedAt = performance.now();
    const readyAt = await waitUntilReady(gateway.port, 30_000);
    while (clients.some((c) => c.connectedAt === undefined || c.connectedAt < restartedAt) && performance.now() - restartedAt < GIVE_UP_MS) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const back = clients.filter((c) => c.connectedAt !== undefined && c.connectedAt >= restartedAt);
    const backMs = back.map((c) => c.connectedAt! - restartedAt);
    const nodesBack = nodes.filter((c) => back.includes(c)).length;
    const allBackMs = back.length === clients.length ? Math.max(...backMs) : Number.NaN;
    console.log(
      JSON.stringify(
        {
          node: process.version,
          nodes: NODES,
          watchers: WATCHERS,
          auth: AUTH,
          initialConnectMs: Math.round(initialConnectMs),
          restart: { stopMs: Math.round(exitedAt - restartedAt), readyAfterMs: Math.round(readyAt - restartedAt) },
          back: { nodes: nodesBack, watchers: back.length - nodesBack, of: clients.length },
          allBackMs: Math.round(allBackMs),
          targetMs: TARGET_MS,
          isWithinTarget: allBackMs < TARGET_MS,
          backMs: { p50: round(percentile(backMs, 50)), p90: round(percentile(backMs, 90)), p99: round(percentile(backMs, 99)), max: round(Math.max(...backMs)) },
          attempts: {
            total: clients.reduce((sum, c) => sum + c.attempts, 0),
            refusedOrFailed: clients.reduce((sum, c) => sum + c.refusals, 0),
            maxPerClient: Math.max(...clients.map((c) => c.attempts)),
            failures: Object.fromEntries(failureKinds),
          },
        },
        null,
        2,
      ),
    );
  } finally {
    for (const client of clients) client.stop();
    await gateway.stop();
  }
}

await main();
