/**
 * @module client/node/tls-pin — accept exactly one certificate, identified by its SHA-256 fingerprint.
 *
 * With a pin the CA chain is not consulted (self-signed gateway certificates are the normal case);
 * instead the peer certificate's DER fingerprint must equal the pin. Node calls `checkServerIdentity`
 * only for chains it already trusts, so the check runs on `secureConnect` of our own TLS socket,
 * which destroys the socket before the HTTP upgrade is answered; the client checks again on
 * `upgrade`, before the socket counts as open and before any WebSocket frame can be sent.
 */
import { connect as connectTls, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import { GatewayError, normalizeTlsFingerprint } from '../../protocol/index.js';

/** The error a pin mismatch raises; `code` lets transport handling classify it. */
export class TlsPinMismatchError extends Error {
  readonly code = 'TLS_FINGERPRINT_MISMATCH';
  readonly expected: string;
  readonly actual: string;
  constructor(expected: string, actual: string) {
    super(new GatewayError('TLS_FINGERPRINT_MISMATCH', { expected, actual }).message);
    this.name = 'TlsPinMismatchError';
    this.expected = expected;
    this.actual = actual;
  }
}

/** The normalised fingerprint of the socket's peer certificate, or 'unavailable'. */
export function peerFingerprint(socket: TLSSocket): string {
  const raw = socket.getPeerCertificate()?.fingerprint256;
  return (typeof raw === 'string' ? normalizeTlsFingerprint(raw) : undefined) ?? 'unavailable';
}

/** Throws TlsPinMismatchError unless the socket's peer certificate matches `pin`. */
export function assertPinned(socket: TLSSocket, pin: string): void {
  const actual = peerFingerprint(socket);
  if (actual !== pin) throw new TlsPinMismatchError(pin, actual);
}

/** `ws` options that connect with TLS and verify the pin as soon as the TLS handshake completes. */
export function createPinnedTlsOptions(pin: string): { rejectUnauthorized: false; createConnection: (options: ConnectionOptions) => TLSSocket } {
  return {
    rejectUnauthorized: false,
    createConnection: function createPinnedConnection(options: ConnectionOptions): TLSSocket {
      // What ws's own tlsConnect does: SNI only for names, never for IP literals.
      const host = options.host ?? '';
      const socket = connectTls({ ...options, rejectUnauthorized: false, servername: isIP(host) === 0 ? host : '' });
      socket.prependOnceListener('secureConnect', () => {
        try {
          assertPinned(socket, pin);
        } catch (error) {
          socket.destroy(error as Error);
        }
      });
      return socket;
    },
  };
}
