/**
 * @module gateway/http/preauth-reader — stop reading an unauthenticated socket past its byte budget.
 *
 * The 64 KiB pre-auth frame cap used to be checked on a whole frame, after `ws` had buffered it: one
 * client streaming a 23 MiB first frame on 60 sockets grew the gateway to ~1.5 GB (issue 12, hole 3).
 * This counts the bytes arriving on the raw socket after the upgrade; past the budget the socket is
 * paused at once (nothing more is read or buffered) and `onExceeded` closes the connection.
 */
import type { Duplex } from 'node:stream';
import { MAX_PREAUTH_PAYLOAD_BYTES } from '../../protocol/index.js';

/** Bytes an unauthenticated client may send after the upgrade: one maximal connect frame plus framing and pings. */
export const PREAUTH_READ_BUDGET_BYTES = MAX_PREAUTH_PAYLOAD_BYTES + 4096;

/**
 * Counts bytes read from `socket` until the returned `disarm` is called (the client authenticated).
 * Past `budgetBytes`, pauses the socket and calls `onExceeded(bytesRead)` once.
 */
export function limitPreAuthReads(socket: Duplex, onExceeded: (bytesRead: number) => void, budgetBytes = PREAUTH_READ_BUDGET_BYTES): () => void {
  let bytesRead = 0;
  let isTripped = false;
  const socketOnData = (chunk: Buffer): void => {
    bytesRead += chunk.length;
    if (isTripped || bytesRead <= budgetBytes) return;
    isTripped = true;
    socket.pause();
    onExceeded(bytesRead);
  };
  socket.on('data', socketOnData);
  return function disarm(): void {
    socket.off('data', socketOnData);
  };
}
