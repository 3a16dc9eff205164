/**
 * @module remote/diagnose — layer-by-layer reachability check behind `status --deep` and `gateway probe`.
 *
 * Each layer (tcp, tls, handshake, auth, rpc) is tried in order and reported separately with one
 * remediation, so "wrong token" never looks like "gateway down". Layers after a failure are skipped.
 */
import { connect as connectTcp, isIP } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { GatewayClient, GatewayRequestError, GatewayTransportError } from '../client/index.js';
import { contractScopes, formatTlsFingerprint, health, normalizeTlsFingerprint, type HealthSummary } from '../protocol/index.js';
import type { ResolvedTarget } from './target.js';

export type LayerName = 'config' | 'target' | 'tunnel' | 'tcp' | 'tls' | 'handshake' | 'auth' | 'rpc';
export type LayerStatus = 'ok' | 'fail' | 'skip';

export interface LayerReport {
  layer: LayerName;
  status: LayerStatus;
  detail: string;
  fix?: string;
  latencyMs?: number;
}

export interface DiagnosisReport {
  ok: boolean;
  target: { url: string; source: string; credentialSource: string };
  layers: LayerReport[];
  health?: HealthSummary;
  auth?: { role: string; scopes: string[] };
  server?: { version: string; protocol: number };
  /** What the TLS layer saw (wss:// only). */
  tls?: { protocol: string; fingerprint: string; isPinned: boolean; isTrusted: boolean };
}

export interface DiagnoseOptions {
  timeoutMs: number;
  scopes?: string[];
  /** Set when `target.url` is the local end of an SSH tunnel, so failures behind it are named right. */
  tunnel?: { label: string; remotePort: number };
}

/** Walks the layers for `target`; never throws. */
export async function diagnoseTarget(target: ResolvedTarget, options: DiagnoseOptions): Promise<DiagnosisReport> {
  const report: DiagnosisReport = {
    ok: false,
    target: { url: target.url, source: target.sourceLabel, credentialSource: target.credentialSource },
    layers: [],
  };
  const skipRest = (...layers: LayerName[]): void => {
    for (const layer of layers) report.layers.push({ layer, status: 'skip', detail: 'skipped: an earlier layer failed' });
  };
  let url: URL;
  try {
    url = new URL(target.url);
  } catch {
    report.layers.push({ layer: 'tcp', status: 'fail', detail: `not a URL: ${target.url}`, fix: 'use ws://host:port or wss://host:port' });
    return report;
  }
  const isTls = url.protocol === 'wss:' || url.protocol === 'https:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (isTls ? 443 : 80));

  const tcp = await probeTcp(host, port, options.timeoutMs);
  report.layers.push(tcp);
  if (tcp.status === 'fail') {
    skipRest('tls', 'handshake', 'auth', 'rpc');
    return report;
  }
  if (!isTls) report.layers.push({ layer: 'tls', status: 'skip', detail: options.tunnel === undefined ? 'plain ws:// (no TLS)' : `plain ws:// inside the ${options.tunnel.label} (ssh encrypts it)` });
  if (isTls) {
    const tls = await probeTls(host, port, target.tlsFingerprint, options.timeoutMs);
    report.layers.push(tls.layer);
    if (tls.seen !== undefined) report.tls = tls.seen;
    if (tls.layer.status === 'fail') {
      skipRest('handshake', 'auth', 'rpc');
      return report;
    }
  }

  const client = new GatewayClient({
    url: target.url,
    token: target.token,
    password: target.password,
    tlsFingerprint: target.tlsFingerprint,
    scopes: options.scopes ?? contractScopes(health),
    connectTimeoutMs: options.timeoutMs,
  });
  const startedAt = performance.now();
  try {
    const hello = await client.connect();
    report.layers.push({ layer: 'handshake', status: 'ok', detail: `protocol v${hello.protocol}, server ${hello.server.version}` });
    report.layers.push({
      layer: 'auth',
      status: 'ok',
      detail: `role ${hello.auth.role}, scopes ${hello.auth.scopes.join(', ') || '(none)'} via ${target.credentialSource}`,
      latencyMs: Math.round(performance.now() - startedAt),
    });
    report.auth = { role: hello.auth.role, scopes: hello.auth.scopes };
    report.server = { version: hello.server.version, protocol: hello.protocol };
    const rpcStartedAt = performance.now();
    try {
      report.health = await client.call(health, {}, { timeoutMs: options.timeoutMs });
      report.layers.push({ layer: 'rpc', status: 'ok', detail: 'health answered', latencyMs: Math.round(performance.now() - rpcStartedAt) });
      report.ok = true;
    } catch (error) {
      report.layers.push(rpcFailure(error));
    }
  } catch (error) {
    report.layers.push(...connectFailure(error, target, options.tunnel));
  } finally {
    client.close();
  }
  return report;
}

function probeTcp(host: string, port: number, timeoutMs: number): Promise<LayerReport> {
  const startedAt = performance.now();
  return new Promise((resolve) => {
    const socket = connectTcp({ host, port });
    const finish = (report: LayerReport): void => {
      socket.destroy();
      resolve(report);
    };
    socket.setTimeout(timeoutMs, () =>
      finish({ layer: 'tcp', status: 'fail', detail: `no answer from ${host}:${port} within ${timeoutMs}ms`, fix: 'check the host is up and no firewall drops the port' }),
    );
    socket.once('connect', () =>
      finish({ layer: 'tcp', status: 'ok', detail: `${host}:${port} accepts connections`, latencyMs: Math.round(performance.now() - startedAt) }),
    );
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const isLocal = host === '127.0.0.1' || host === '::1' || host === 'localhost';
      const fix =
        error.code === 'ECONNREFUSED'
          ? isLocal
            ? `nothing listens on ${host}:${port}: start the gateway (\`clawgate gateway run\`) or bring the SSH tunnel up (\`ssh -N -L ${port}:127.0.0.1:18789 user@host\`)`
            : `nothing listens on ${host}:${port}: the gateway is down or bound to loopback only (use an SSH tunnel or tailnet)`
          : error.code === 'ENOTFOUND'
            ? `host ${host} does not resolve: check the URL`
            : 'check the network path to the gateway';
      finish({ layer: 'tcp', status: 'fail', detail: `${host}:${port}: ${error.code ?? error.message}`, fix });
    });
  });
}

function connectFailure(error: unknown, target: ResolvedTarget, tunnel: DiagnoseOptions['tunnel']): LayerReport[] {
  if (error instanceof GatewayRequestError) {
    const reports: LayerReport[] = [];
    if (error.detailCode === 'PROTOCOL_MISMATCH' || error.detailCode === 'CONNECT_PARAMS_INVALID') {
      reports.push({ layer: 'handshake', status: 'fail', detail: `${error.message} [${error.detailCode}]`, fix: 'client and gateway speak different protocol versions: upgrade the older one' });
      reports.push({ layer: 'auth', status: 'skip', detail: 'skipped: an earlier layer failed' });
    } else {
      reports.push({ layer: 'handshake', status: 'ok', detail: 'WebSocket open, challenge received' });
      reports.push({ layer: 'auth', status: 'fail', detail: `${error.message} [${error.detailCode}]`, fix: authFix(error.detailCode, target) });
    }
    reports.push({ layer: 'rpc', status: 'skip', detail: 'skipped: an earlier layer failed' });
    return reports;
  }
  if (error instanceof GatewayTransportError) {
    const skipped: LayerReport[] = [
      { layer: 'auth', status: 'skip', detail: 'skipped: an earlier layer failed' },
      { layer: 'rpc', status: 'skip', detail: 'skipped: an earlier layer failed' },
    ];
    if (tunnel !== undefined && error.stage !== 'connect') {
      return [
        {
          layer: 'handshake',
          status: 'fail',
          detail: `the ${tunnel.label} is up, but the gateway behind it did not answer: nothing accepted the connection on the remote host's 127.0.0.1:${tunnel.remotePort} (gateway down?) [${error.kind}]`,
          fix: `start the gateway on the remote host (\`clawgate gateway run\`), or check gateway.remote.ssh.remotePort`,
        },
        ...skipped,
      ];
    }
    return [{ layer: 'handshake', status: 'fail', detail: error.message, fix: 'the port answers but not as a Clawgate/OpenClaw gateway: check the port, or a proxy in between' }, ...skipped];
  }
  return [{ layer: 'handshake', status: 'fail', detail: error instanceof Error ? error.message : String(error) }];
}

/**
 * The TLS layer on its own: handshake without CA checks, then judge the certificate the server showed
 * (against the pin when there is one, else against the CA store). Reports the fingerprint either way,
 * so a first-time user can copy it into --tls-fingerprint after checking it on the gateway host.
 */
function probeTls(
  host: string,
  port: number,
  pin: string | undefined,
  timeoutMs: number,
): Promise<{ layer: LayerReport; seen?: NonNullable<DiagnosisReport['tls']> }> {
  const startedAt = performance.now();
  const expected = pin === undefined ? undefined : normalizeTlsFingerprint(pin);
  return new Promise((resolve) => {
    const socket = connectTls({ host, port, rejectUnauthorized: false, servername: isIP(host) === 0 ? host : '', minVersion: 'TLSv1.2' });
    const finish = (result: { layer: LayerReport; seen?: NonNullable<DiagnosisReport['tls']> }): void => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => finish({ layer: { layer: 'tls', status: 'fail', detail: `no TLS handshake within ${timeoutMs}ms`, fix: 'check that the gateway serves TLS (gateway.tls.enabled) on this port' } }));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      finish({ layer: { layer: 'tls', status: 'fail', detail: `TLS handshake failed: ${error.message}`, fix: 'the port does not speak TLS: use ws:// or enable gateway.tls on the gateway' } }),
    );
    socket.once('secureConnect', () => {
      const raw = socket.getPeerCertificate()?.fingerprint256;
      const fingerprint = (typeof raw === 'string' ? normalizeTlsFingerprint(raw) : undefined) ?? 'unavailable';
      const protocol = socket.getProtocol() ?? 'unknown';
      const seen = { protocol, fingerprint, isPinned: expected !== undefined, isTrusted: socket.authorized };
      const shown = fingerprint === 'unavailable' ? fingerprint : formatTlsFingerprint(fingerprint);
      const latencyMs = Math.round(performance.now() - startedAt);
      if (pin !== undefined && expected === undefined) {
        return finish({ seen, layer: { layer: 'tls', status: 'fail', detail: `${protocol}, certificate ${shown}; the pin "${pin}" is not a SHA-256 fingerprint`, fix: 'give 64 hex characters (colons and sha256: are accepted)' } });
      }
      if (expected !== undefined && fingerprint !== expected) {
        return finish({
          seen,
          layer: { layer: 'tls', status: 'fail', detail: `certificate fingerprint mismatch: expected ${formatTlsFingerprint(expected)}, server presented ${shown}`, fix: 'if the gateway certificate was regenerated on purpose, update the pin; otherwise something is intercepting the connection' },
        });
      }
      if (expected === undefined && !socket.authorized) {
        return finish({
          seen,
          layer: { layer: 'tls', status: 'fail', detail: `${protocol}, certificate ${shown} is not trusted (${String(socket.authorizationError)})`, fix: `if this matches \`clawgate gateway status\` on the gateway host, pin it: --tls-fingerprint ${fingerprint}` },
        });
      }
      finish({ seen, layer: { layer: 'tls', status: 'ok', detail: `${protocol}, certificate ${shown} (${expected !== undefined ? 'pinned' : 'CA-verified'})`, latencyMs } });
    });
  });
}

function rpcFailure(error: unknown): LayerReport {
  if (error instanceof GatewayRequestError) {
    const fix = error.shape.code === 'FORBIDDEN' ? 'the credential lacks operator.read: use the gateway token or an approved device with read scope' : 'see the gateway log (`clawgate gateway call logs.tail`)';
    return { layer: 'rpc', status: 'fail', detail: `${error.message} [${error.detailCode}]`, fix };
  }
  return { layer: 'rpc', status: 'fail', detail: error instanceof Error ? error.message : String(error), fix: 'the gateway accepted the connection but did not answer: check its event loop and log' };
}

function authFix(code: string, target: ResolvedTarget): string {
  if (code.endsWith('_MISSING')) return 'no credential was sent: pass --token/--password (or set gateway.remote.token for a remote gateway)';
  if (code.endsWith('_MISMATCH')) return `wrong credential (from ${target.credentialSource}): on the gateway host, \`clawgate gateway auth-token\` prints the right token`;
  if (code === 'AUTH_RATE_LIMITED') return 'too many failed attempts: wait a few minutes, then retry with the right credential';
  return 'the gateway refused this client: check credentials or device approval';
}
