/**
 * Exhaustion (issue 12 holes 3 and 4; security lessons T-SIZE-1, T-LOAD): unauthenticated and
 * authenticated clients try to take memory, sockets, handshake slots or connection slots from
 * everyone, the owner included. Real gateway, real sockets (raw TCP where ws would behave).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { runCliProcess } from '../../helpers/cli.js';
import { openRawSocket, type RawSocket } from '../../helpers/raw-socket.js';
import { attemptUpgrade } from '../../helpers/upgrade.js';
import { connectDevice, createDeviceIdentity } from '../../helpers/device.js';
import { TailscaleIdentityVerifier, MAX_CONCURRENT_WHOIS } from '../../../src/gateway/tailscale/identity.js';
import { SendBudget } from '../../../src/gateway/send-budget.js';
import { DEFAULT_ADMISSION_LIMITS } from '../../../src/gateway/http/admission.js';

/** Opens a raw TCP socket and completes a WebSocket upgrade by hand; resolves once the 101 arrived. */
function rawUpgrade(port: number): Promise<{ socket: Socket; received: Buffer[] }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const received: Buffer[] = [];
    let isUpgraded = false;
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      if (!isUpgraded && Buffer.concat(received).includes('\r\n\r\n')) {
        isUpgraded = true;
        if (!Buffer.concat(received).toString('latin1').startsWith('HTTP/1.1 101')) reject(new Error(Buffer.concat(received).toString('latin1').split('\r\n')[0]));
        received.length = 0;
        resolve({ socket, received });
      }
    });
    socket.once('error', reject);
    socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${Buffer.from('0123456789abcdef').toString('base64')}\r\n\r\n`);
  });
}

/** Header of a masked client text frame announcing `length` payload bytes (64-bit length form). */
function frameHeader(length: number): Buffer {
  const header = Buffer.alloc(14);
  header[0] = 0x81;
  header[1] = 0x80 | 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  header.writeUInt32BE(0x01020304, 10);
  return header;
}

describe('pre-auth exhaustion', () => {
  let gateway: TestGateway;
  const opened: { terminate(): void }[] = [];
  before(async () => {
    gateway = await startTestGateway();
  });
  after(async () => {
    for (const socket of opened) socket.terminate();
    await gateway.stop();
  });

  it('a 20 MiB first frame: the gateway stops reading at ~64 KiB and closes 1009 long before the frame is sent', async () => {
    const port = gateway.server.port;
    const { socket, received } = await rawUpgrade(port);
    const totalBytes = 20 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    socket.write(frameHeader(totalBytes));
    const closeFrame = new Promise<number>((resolve) => {
      const check = (): void => {
        const data = Buffer.concat(received);
        const at = data.indexOf(0x88);
        if (at >= 0 && data.length >= at + 4) resolve(data.readUInt16BE(at + 2));
      };
      socket.on('data', check);
      check();
    });
    let isClosed = false;
    const closeCode = closeFrame.then((code) => {
      isClosed = true;
      return code;
    });
    let written = 0;
    socket.on('error', () => undefined);
    // Write with back-pressure until the gateway answers or the whole frame is out.
    while (!isClosed && written < totalBytes) {
      written += chunk.length;
      if (!socket.write(chunk)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closeCode]);
    }
    assert.equal(await closeCode, 1009);
    assert.ok(socket.bytesWritten < totalBytes, `the gateway read all ${socket.bytesWritten} bytes before refusing`);
    socket.destroy();
  });

  it('one host cannot hold all 64 pre-auth slots: past its share (32) it gets 503, the owner socket still connects', async () => {
    const perSource = DEFAULT_ADMISSION_LIMITS.maxPendingPerSource;
    const outcomes = await Promise.all(
      Array.from({ length: perSource + 1 }, (_, index) =>
        openRawSocket(gateway.url, { localAddress: `127.0.2.${index + 1}` }).then(
          (raw) => {
            opened.push(raw.socket);
            return 'open';
          },
          (error: Error) => error.message,
        ),
      ),
    );
    // (A socket of the previous test may still be closing, so "at most", not "exactly".)
    assert.ok(outcomes.filter((outcome) => outcome === 'open').length <= perSource, outcomes.join(','));
    assert.ok(outcomes.includes('HTTP 503'), outcomes.join(','));
    const env = { CLAWGATE_STATE_DIR: gateway.paths.stateDir, PATH: process.env['PATH'], CLAWGATE_GATEWAY_TOKEN: gateway.token! };
    const result = await runCliProcess(['health', '--json'], env);
    assert.equal(result.code, 0, `the owner is locked out: ${result.stderr}`);
    for (const socket of opened.splice(0)) socket.terminate();
  });

  it('refused upgrades (bad WebSocket version) do not leak handshake slots', async () => {
    const port = gateway.server.port;
    // Wait until the previous test's sockets have been released.
    for (let tries = 0; (await attemptUpgrade(port, {})).status !== 101; tries++) {
      assert.ok(tries < 100, 'slots never came back');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (let attempt = 0; attempt < DEFAULT_ADMISSION_LIMITS.maxPendingPerSource + 8; attempt++) {
      const status = await new Promise<string>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port });
        let text = '';
        socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
        socket.on('error', () => undefined);
        socket.on('close', () => resolve(text.split('\r\n')[0] ?? ''));
        socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 7\r\nSec-WebSocket-Key: ${Buffer.from('0123456789abcdef').toString('base64')}\r\n\r\n`);
      });
      assert.match(status, /^HTTP\/1\.1 400/);
    }
    const raw = await openRawSocket(gateway.url);
    opened.push(raw.socket);
    await raw.waitFor((f) => f['event'] === 'connect.challenge');
  });

  it('half-open TCP sockets: past the per-host cap new sockets are closed at once, without holding an fd', async () => {
    const port = gateway.server.port;
    const sockets: Socket[] = [];
    const closedEarly = await new Promise<number>((resolve) => {
      let closed = 0;
      let settled = 0;
      const total = DEFAULT_ADMISSION_LIMITS.maxUnauthenticatedPerSource + 8;
      for (let index = 0; index < total; index++) {
        const socket = connect({ host: '127.0.0.1', port, localAddress: `127.0.3.${index + 1}` });
        sockets.push(socket);
        socket.on('error', () => undefined);
        const timer = setTimeout(() => {
          if (++settled === total) resolve(closed);
        }, 500);
        socket.once('close', () => {
          clearTimeout(timer);
          closed++;
          if (++settled === total) resolve(closed);
        });
      }
    });
    for (const socket of sockets) socket.destroy();
    // Earlier tests' sockets may still count for a moment, so at least the 8 past the cap were cut.
    assert.ok(closedEarly >= 8, `${closedEarly} of the surplus sockets were closed`);
  });
});

describe('tailscale whois before a credential', () => {
  it('300 lookups at once run at most 4 whois processes; a repeated address shares one', async () => {
    let running = 0;
    let peak = 0;
    let calls = 0;
    const verifier = new TailscaleIdentityVerifier({
      // A stand-in for the CLI runner (the real one spawns `tailscale`); it counts concurrent calls.
      run: async () => {
        calls++;
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        running--;
        return { stdout: '{}', stderr: '', code: 0 } as never;
      },
    });
    const requests = Array.from({ length: 300 }, (_, index) => ({
      headers: { 'tailscale-user-login': 'alice@example.com', 'x-forwarded-for': `100.64.${Math.floor(index / 200)}.${index % 200}` },
      socket: { remoteAddress: '127.0.0.1' },
    }));
    await Promise.all(requests.map((request) => verifier.verify(request as never)));
    assert.ok(peak <= MAX_CONCURRENT_WHOIS, `peak ${peak}`);
    assert.ok(calls <= MAX_CONCURRENT_WHOIS * 2, `${calls} whois processes for 300 upgrades`);
  });
});

describe('authenticated exhaustion', () => {
  let gateway: TestGateway;
  const sessions: RawSocket[] = [];
  before(async () => {
    gateway = await startTestGateway();
  });
  after(async () => {
    for (const raw of sessions) raw.socket.terminate();
    await gateway.stop();
  });

  it('one read-only device cannot hold every connection slot: past its per-principal cap it is refused, the owner is not', async () => {
    const identity = createDeviceIdentity();
    const first = await connectDevice(gateway.url, { identity, scopes: ['operator.read'], auth: { token: gateway.token! } });
    assert.equal(first.ok, true);
    const deviceToken = first.hello!['auth'].deviceToken as string;
    first.raw.socket.close();
    const cap = DEFAULT_ADMISSION_LIMITS.maxConnectionsPerPrincipal;
    let refusedCode: string | undefined;
    for (let index = 0; index <= cap && refusedCode === undefined; index++) {
      const session = await connectDevice(gateway.url, { identity, scopes: ['operator.read'], auth: { deviceToken } });
      if (session.ok) sessions.push(session.raw);
      else refusedCode = session.error?.['details'].code as string;
    }
    assert.equal(sessions.length, cap);
    assert.equal(refusedCode, 'TOO_MANY_CONNECTIONS');
    const owner = await openRawSocket(gateway.url);
    sessions.push(owner);
    await owner.waitFor((f) => f['event'] === 'connect.challenge');
  });

  it('a global send budget: many sockets each under their own limit cannot queue gigabytes together', () => {
    const buffered = Array.from({ length: 30 }, () => 40 * 1024 * 1024); // 30 sockets, 40 MiB each (< 50 MiB)
    const budget = new SendBudget(() => buffered);
    assert.equal(budget.allows(40 * 1024 * 1024, 1_000_000), false, 'a 1 MB logs.tail page on a backed-up socket is refused');
    assert.equal(budget.allows(0, 1_000_000), true, 'a socket with an empty buffer still gets its frame');
    assert.equal(new SendBudget(() => [1024]).allows(1024, 1_000_000), true);
  });
});
