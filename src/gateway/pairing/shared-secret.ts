/**
 * @module gateway/pairing/shared-secret — checks the shared secret (token or password) a client presents in `connect`.
 *
 * The shared secret is the owner's credential. Comparison hashes both sides first, so
 * `timingSafeEqual` always compares equal lengths and the time taken says nothing about the secret.
 * A loopback peer address proves nothing here: browser tabs and same-host proxies are loopback too.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { GatewayError, type AuthMode, type ConnectAuth } from '../../protocol/index.js';

export interface SharedSecretAuth {
  readonly mode: AuthMode;
  readonly token?: string | undefined;
  readonly password?: string | undefined;
}

/** How the caller proved itself, as reported in logs. */
export type AuthMethod = 'none' | 'token' | 'password';

/** Verifies the presented credential against the configured one; throws a coded auth error otherwise. */
export function verifySharedSecret(auth: SharedSecretAuth, presented: ConnectAuth | undefined): AuthMethod {
  switch (auth.mode) {
    case 'none':
      return 'none';
    case 'token': {
      const token = presented?.token;
      if (token === undefined || token === '') throw new GatewayError('AUTH_TOKEN_MISSING', { authReason: 'token_missing' });
      if (auth.token === undefined || !constantTimeEqual(token, auth.token)) {
        throw new GatewayError('AUTH_TOKEN_MISMATCH', { authReason: 'token_mismatch' });
      }
      return 'token';
    }
    case 'password': {
      const password = presented?.password;
      if (password === undefined || password === '') throw new GatewayError('AUTH_PASSWORD_MISSING', { authReason: 'password_missing' });
      if (auth.password === undefined || !constantTimeEqual(password, auth.password)) {
        throw new GatewayError('AUTH_PASSWORD_MISMATCH', { authReason: 'password_mismatch' });
      }
      return 'password';
    }
  }
}

/** Compares two secrets in time independent of where they differ (and of their lengths). */
export function constantTimeEqual(a: string, b: string): boolean {
  const digestA = createHash('sha256').update(a, 'utf8').digest();
  const digestB = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(digestA, digestB);
}
