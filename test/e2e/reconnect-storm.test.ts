/**
 * A test-sized reconnect storm (bench/storm.ts has the 1,000-node one): 100 paired nodes on Clawgate's
 * own client and Reconnector, the gateway stopped and started again on the same port and state dir,
 * every node back and authenticated with its device token within a few seconds.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { GatewayClient, GatewayTransportError, Reconnector, createDeviceIdentity } from '../../src/client/index.js';
import { createTempStateDir, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { findFreePort } from '../helpers/ports.js';

const NODES = 100;
const TOKEN = 'storm-test-token-0123456789abcdef';

/** A node that reconnects (first with the shared token, then with the device token it was issued). */
class StormNode {
  readonly identity = createDeviceIdentity();
  readonly #reconnector = new Reconnector({ setTimeout: (callback, ms) => setTimeout(callback, ms), clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout) }, { initialMs: 200 });
  readonly #url: string;
  #deviceToken: string | undefined;
  #client: GatewayClient | undefined;
  #isStopped = false;
  authMethods: string[] = [];
  isUp = false;

  constructor(url: string) {
    this.#url = url;
  }

  connect(): Promise<void> {
    return new Promise((resolve) => this.#attempt(resolve));
  }

  stop(): void {
    this.#isStopped = true;
    this.#reconnector.cancel();
    this.#client?.close();
  }

  #attempt(onUp: () => void): void {
    if (this.#isStopped) return;
    const retry = (retryAfterMs?: number): void => void this.#reconnector.schedule(() => this.#attempt(onUp), { retryAfterMs });
    const credential = this.#deviceToken === undefined ? 'shared-token' : 'device-token';
    const client: GatewayClient = new GatewayClient({
      url: this.#url,
      ...(this.#deviceToken === undefined ? { token: TOKEN } : { deviceToken: this.#deviceToken }),
      role: 'node',
      scopes: [],
      client: { id: 'node-host', mode: 'node', version: 'test', platform: 'linux', deviceFamily: 'Linux' },
      connectExtras: { caps: ['system'], commands: ['system.which'] },
      deviceIdentity: this.identity,
      onClose: () => {
        if (!this.isUp) return;
        this.isUp = false;
        retry();
      },
    });
    this.#client = client;
    client.connect().then(
      (hello) => {
        this.#deviceToken ??= hello.auth.deviceToken;
        this.authMethods.push(credential);
        this.isUp = true;
        this.#reconnector.reset();
        onUp();
      },
      (error: unknown) => retry(error instanceof GatewayTransportError ? error.retryAfterMs : undefined),
    );
  }
}

describe('reconnect storm', () => {
  it(`brings ${NODES} paired nodes back after a gateway restart`, async () => {
    const stateDir = createTempStateDir();
    const port = await findFreePort();
    const start = (): Promise<TestGateway> => startTestGateway({ stateDir, flags: { port, token: TOKEN } });
    let gateway = await start();
    const nodes = Array.from({ length: NODES }, () => new StormNode(`ws://127.0.0.1:${port}`));
    try {
      for (let i = 0; i < NODES; i += 16) await Promise.all(nodes.slice(i, i + 16).map((node) => node.connect()));
      await gateway.stop();
      const restartedAt = performance.now();
      gateway = await start();
      while (nodes.some((node) => !node.isUp) && performance.now() - restartedAt < 20_000) await new Promise((resolve) => setTimeout(resolve, 25));
      const backMs = performance.now() - restartedAt;
      assert.equal(nodes.filter((node) => node.isUp).length, NODES, `not all nodes came back within 20 s`);
      assert.ok(
        nodes.every((node) => node.authMethods.join() === 'shared-token,device-token'),
        'each node connected twice: with the shared token, then as a paired node with its device token',
      );
      const admin = new GatewayClient({ url: `ws://127.0.0.1:${port}`, token: TOKEN, scopes: ['operator.read'] });
      await admin.connect();
      const status = await admin.request<{ connections: { nodes: number } }>('status', {});
      admin.close();
      assert.equal(status.connections.nodes, NODES);
      assert.ok(backMs < 10_000, `storm took ${Math.round(backMs)} ms`);
    } finally {
      for (const node of nodes) node.stop();
      await gateway.stop();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
