/** @module test/helpers/captured-frames — frames recorded from the real OpenClaw 2026.9.6, used as test vectors. */

/**
 * `connect` params from captures/openclaw-2026.9.6-node.jsonl (line 3; commands and pathEnv trimmed,
 * they are not signed), answering the challenge nonce 640108b1-… sent at ts 1795489501273.
 * `anchortok` was the capture's throwaway gateway token.
 */
export const CAPTURED_NODE_CONNECT = {
  challenge: { nonce: '640108b1-dbf8-4415-91af-3cab62690c9a', ts: 1795489501273 },
  params: {
    minProtocol: 4,
    maxProtocol: 4,
    client: {
      id: 'node-host',
      displayName: 'testnode',
      version: '2026.9.6',
      platform: 'linux',
      deviceFamily: 'Linux',
      mode: 'node',
      instanceId: '5dd95381-401a-40b3-9fcd-a0eaad40e736',
    },
    caps: ['browser', 'file', 'local-inference', 'mcp', 'system'],
    auth: { token: 'anchortok' },
    role: 'node',
    scopes: [] as string[],
    device: {
      id: '6cc85130533b986887b75e62e15d2fe8bf7cd135a09ba96511fe26aed0ea435e',
      publicKey: 'xevGAfzkGVhnkAXA9Z1ToDka4xzcTRhOPUo2M5cD-vQ',
      signature: 'ckak2pKmjjeRBArI27k1YEv6HBKbTgMa0vc6UtiSNi12NYPWNA9M1nfNVDTm9tdZzHHidYlAATv_HEfuZ7WxAg',
      signedAt: 1795489501273,
      nonce: '640108b1-dbf8-4415-91af-3cab62690c9a',
    },
  },
} as const;
