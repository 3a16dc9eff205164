/**
 * @module gateway/http/tls — the gateway's certificate: load it, or make a self-signed one on first start.
 *
 * Generation shells out to the system `openssl` (as OpenClaw does) rather than adding a dependency:
 * an EC P-256 key and a 10-year self-signed certificate for CN=clawgate-gateway, written to temporary
 * names and renamed into place, key mode 0600. The SHA-256 fingerprint of the DER is what clients pin.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { GatewayConfig } from '../../config/index.js';
import { GatewayError, normalizeTlsFingerprint } from '../../protocol/index.js';

export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
  readonly certPath: string;
  readonly keyPath: string;
  /** SHA-256 of the certificate DER, 64 lowercase hex characters. */
  readonly fingerprintSha256: string;
  /** True when this start created the certificate. */
  readonly wasGenerated: boolean;
}

export interface ResolveTlsOptions {
  config: GatewayConfig['tls'];
  stateDir: string;
  /** Runs `openssl` with these arguments; injected so tests can simulate a missing binary. */
  runOpenssl?: (args: string[]) => void;
}

/** Returns the certificate and key to serve, or undefined when TLS is off. Throws TLS_SETUP_FAILED. */
export function resolveTlsMaterial({ config, stateDir, runOpenssl = defaultRunOpenssl }: ResolveTlsOptions): TlsMaterial | undefined {
  if (config?.enabled !== true) return undefined;
  const tlsDir = join(stateDir, 'tls');
  const certPath = config.certPath ?? join(tlsDir, 'gateway-cert.pem');
  const keyPath = config.keyPath ?? join(tlsDir, 'gateway-key.pem');
  const hasCert = existsSync(certPath);
  const hasKey = existsSync(keyPath);
  let wasGenerated = false;
  if (!hasCert || !hasKey) {
    if (config.autoGenerate === false || hasCert !== hasKey) {
      const missing = hasCert ? keyPath : certPath;
      throw new GatewayError('TLS_SETUP_FAILED', {
        reason: `${missing} does not exist`,
        fix: 'set gateway.tls.certPath and gateway.tls.keyPath to existing PEM files, or remove both files and set gateway.tls.autoGenerate true',
      });
    }
    generateSelfSigned(certPath, keyPath, runOpenssl);
    wasGenerated = true;
  }
  const cert = readFileSync(certPath, 'utf8');
  const key = readFileSync(keyPath, 'utf8');
  let fingerprint: string | undefined;
  try {
    fingerprint = normalizeTlsFingerprint(new X509Certificate(cert).fingerprint256);
  } catch (error) {
    throw new GatewayError('TLS_SETUP_FAILED', { reason: `${certPath} is not a PEM certificate (${(error as Error).message})`, fix: 'point gateway.tls.certPath at a PEM certificate' });
  }
  if (fingerprint === undefined) throw new GatewayError('TLS_SETUP_FAILED', { reason: 'certificate has no SHA-256 fingerprint', fix: 'use another certificate' });
  return { cert, key, certPath, keyPath, fingerprintSha256: fingerprint, wasGenerated };
}

function generateSelfSigned(certPath: string, keyPath: string, runOpenssl: (args: string[]) => void): void {
  mkdirSync(join(certPath, '..'), { recursive: true, mode: 0o700 });
  mkdirSync(join(keyPath, '..'), { recursive: true, mode: 0o700 });
  const tmpCert = `${certPath}.${process.pid}.tmp`;
  const tmpKey = `${keyPath}.${process.pid}.tmp`;
  try {
    runOpenssl([
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-sha256', '-days', '3650', '-nodes',
      '-subj', '/CN=clawgate-gateway', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1',
      '-keyout', tmpKey, '-out', tmpCert,
    ]);
    chmodSync(tmpKey, 0o600);
    renameSync(tmpKey, keyPath);
    renameSync(tmpCert, certPath);
  } catch (error) {
    rmSync(tmpCert, { force: true });
    rmSync(tmpKey, { force: true });
    if (error instanceof GatewayError) throw error;
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
    throw new GatewayError('TLS_SETUP_FAILED', {
      reason: code === 'ENOENT' ? 'the openssl command was not found' : `openssl could not create a certificate (${(error as Error).message.split('\n')[0]})`,
      fix: 'install openssl (apt-get install openssl), or create a certificate yourself and set gateway.tls.certPath and gateway.tls.keyPath',
    });
  }
}

function defaultRunOpenssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
}
