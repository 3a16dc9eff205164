/**
 * @module test/helpers/node-socket — raw sockets speaking as a node or an operator, with a `call` helper.
 *
 * The node connect frame mirrors the one OpenClaw 2026.9.6's `openclaw node run` sends
 * (captures/openclaw-2026.9.6-node.jsonl): client `node-host`/`node`, role `node`, no scopes.
 */
import { randomUUID } from 'node:crypto';
import { createDeviceIdentity, signDeviceProof, type DeviceIdentity } from '../../src/client/index.js';
import { connectFrame, openRawSocket, type RawSocket } from './raw-socket.js';

export interface NodeSocketOptions {
  commands?: string[];
  caps?: string[];
  /** Reuse an identity to reconnect as the same node (default: a fresh Ed25519 identity). */
  identity?: DeviceIdentity;
  displayName?: string;
}

export interface TestNode extends RawSocket {
  nodeId: string;
  identity: DeviceIdentity;
  /** Resolves with the next `node.invoke.request` payload not yet taken. */
  nextInvoke(timeoutMs?: number): Promise<Record<string, any>>;
}

let counter = 0;

/** Sends one request on `raw` and resolves with its response frame. */
export async function call(raw: RawSocket, method: string, params: unknown = {}, timeoutMs = 5000): Promise<Record<string, any>> {
  const id = `t${++counter}:${randomUUID()}`;
  raw.send({ type: 'req', id, method, params });
  return raw.waitFor((f) => f['type'] === 'res' && f['id'] === id, timeoutMs);
}

/** Connects a node that declares `commands`; resolves after hello-ok. */
export async function openNodeSocket(url: string, token: string, options: NodeSocketOptions = {}): Promise<TestNode> {
  const raw = await openRawSocket(url);
  const challenge = await raw.waitFor((f) => f['event'] === 'connect.challenge');
  const nonce = (challenge['payload'] as { nonce: string }).nonce;
  const identity = options.identity ?? createDeviceIdentity();
  const nodeId = identity.deviceId;
  const client = { id: 'node-host', displayName: options.displayName ?? 'testnode', version: 'test', platform: 'linux', deviceFamily: 'Linux', mode: 'node', instanceId: randomUUID() } as const;
  // A real signed device proof, as the OpenClaw node host sends: the gateway keys the node by its verified id.
  const device = signDeviceProof(identity, { clientId: client.id, clientMode: client.mode, role: 'node', scopes: [], signedAtMs: Date.now(), token, nonce, platform: client.platform, deviceFamily: client.deviceFamily });
  const frame = connectFrame({ token, role: 'node', params: {
    client,
    caps: options.caps ?? ['system'],
    commands: options.commands ?? ['system.which'],
    scopes: [],
    device,
  } });
  raw.send(frame);
  const res = await raw.waitFor((f) => f['type'] === 'res' && f['id'] === 'c1');
  if (res['ok'] !== true) throw new Error(`node connect failed: ${JSON.stringify(res['error'])}`);
  let taken = 0;
  return {
    ...raw,
    nodeId,
    identity,
    nextInvoke: async (timeoutMs = 5000) => {
      const index = taken++;
      let seen = -1;
      const frame = await raw.waitFor((f) => f['event'] === 'node.invoke.request' && ++seen === index, timeoutMs);
      return frame['payload'] as Record<string, any>;
    },
  };
}

/** Approves the pending surface of `nodeId` with an admin operator socket. */
export async function approveNode(admin: RawSocket, nodeId: string): Promise<Record<string, any>> {
  const list = await call(admin, 'node.pair.list');
  const pending = (list['payload'].pending as Record<string, any>[]).find((p) => p['nodeId'] === nodeId);
  if (pending === undefined) throw new Error(`no pending surface for ${nodeId}: ${JSON.stringify(list)}`);
  const res = await call(admin, 'node.pair.approve', { requestId: pending['requestId'] });
  if (res['ok'] !== true) throw new Error(`approve failed: ${JSON.stringify(res['error'])}`);
  return res;
}
