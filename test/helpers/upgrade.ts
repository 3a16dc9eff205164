/**
 * @module test/helpers/upgrade — send a WebSocket upgrade with exactly the headers a browser (or an
 * attacker) would, and report whether the gateway switched protocols or refused with a body.
 */
import { request } from 'node:http';
import type { Socket } from 'node:net';

export interface UpgradeOutcome {
  /** 101 when the upgrade completed, else the refusal status. */
  status: number;
  /** Parsed JSON body of a refusal. */
  body: Record<string, any> | undefined;
  /** The first WebSocket frame's text when the upgrade completed (the connect.challenge). */
  firstFrame: string | undefined;
}

/** Attempts an upgrade on `port` with `headers` (Host defaults to 127.0.0.1:port) from `localAddress`. */
export function attemptUpgrade(port: number, headers: Record<string, string>, localAddress = '127.0.0.1'): Promise<UpgradeOutcome> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      localAddress,
      path: '/',
      headers: {
        Host: `127.0.0.1:${port}`,
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': Buffer.from('0123456789abcdef').toString('base64'),
        ...headers,
      },
    });
    req.on('upgrade', (_res, socket: Socket, head: Buffer) => {
      const finish = (data: Buffer): void => {
        // Unmasked server text frame with a 7-bit or 16-bit length.
        const length = data[1]! & 0x7f;
        const offset = length === 126 ? 4 : 2;
        resolve({ status: 101, body: undefined, firstFrame: data.subarray(offset).toString('utf8') });
        socket.destroy();
      };
      if (head.length > 0) finish(head);
      else socket.once('data', finish);
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : (JSON.parse(text) as Record<string, any>), firstFrame: undefined }));
    });
    req.on('error', reject);
    req.end();
  });
}
