/**
 * @module test/helpers/node-socket — raw sockets speaking as a node or an operator, with a `call` helper.
 *
 * The node connect frame mirrors the one OpenClaw 2026.9.6's `openclaw node run` sends
 * (captures/openclaw-2026.9.6-node.jsonl): client `node-host`/`node`, role `node`, no scopes.
 */
import { randomUUID } from 'node:crypto';
import { connectFrame, openRawSocket, type RawSocket } from './raw-socket.js';

export interface NodeSocketOptions {
  commands?: string[];
  caps?: string[];
  deviceId?: string;
  displayName?: string;
}

export interface TestNode extends RawSocket {
  nodeId: string;
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
  await raw.waitFor((f) => f['event'] === 'connect.challenge');
  const nodeId = options.deviceId ?? randomUUID().replace(/-/g, '').padEnd(64, '0');
  const frame = connectFrame({ token, role: 'node', params: {
    client: { id: 'node-host', displayName: options.displayName ?? 'testnode', version: 'test', platform: 'linux', deviceFamily: 'Linux', mode: 'node', instanceId: randomUUID() },
    caps: options.caps ?? ['system'],
    commands: options.commands ?? ['system.which'],
    scopes: [],
    // Until device pairing lands the gateway does not verify this block; it keys the node by its id.
    device: { id: nodeId, publicKey: 'AAAA', signature: 'AAAA', signedAt: 1, nonce: 'n' },
  } });
  raw.send(frame);
  const res = await raw.waitFor((f) => f['type'] === 'res' && f['id'] === 'c1');
  if (res['ok'] !== true) throw new Error(`node connect failed: ${JSON.stringify(res['error'])}`);
  let taken = 0;
  return {
    ...raw,
    nodeId,
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
