/**
 * @module bench/echo-server — the baseline: a bare `ws` server that echoes every text frame, with the
 * same ws options as the gateway (no permessage-deflate). Prints its port on stdout, runs until SIGTERM.
 */
import { WebSocketServer } from 'ws';

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 25 * 1024 * 1024 });
server.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
});
server.on('listening', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address !== null ? address.port : String(address)}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
