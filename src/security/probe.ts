/**
 * @module security/probe — `security audit --deep`: attack the running gateway the way a hostile web
 * page or a stranger would, and report what got through.
 *
 * Probes: the HTTP port answers; a cross-origin WebSocket is refused before the upgrade; a DNS-rebinding
 * Host is refused; a connect with no credential is refused. None sends a wrong credential, so the probe
 * never feeds the rate limiter.
 */
import { request } from 'node:http';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../protocol/index.js';
import type { AuditFinding } from './audit.js';

export interface ProbeResult {
  name: string;
  isOk: boolean;
  detail: string;
}

export interface DeepProbeReport {
  url: string;
  probes: ProbeResult[];
  findings: AuditFinding[];
}

const EVIL_ORIGIN = 'https://evil.invalid';
const PROBE_TIMEOUT_MS = 5000;

/** Probes the gateway at `url` (ws://host:port). */
export async function probeGateway(url: string): Promise<DeepProbeReport> {
  const target = new URL(url);
  const port = Number(target.port || (target.protocol === 'wss:' ? 443 : 80));
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const probes: ProbeResult[] = [];
  const findings: AuditFinding[] = [];
  const live = await httpStatus(host, port, { method: 'GET', path: '/health', headers: {} });
  if (live.error !== undefined) {
    findings.push({
      checkId: 'gateway.probe_failed',
      severity: 'warn',
      title: 'The gateway could not be probed',
      detail: `${url}: ${live.error}. The live checks were skipped.`,
      fix: 'Start the gateway (`clawgate gateway run`) or pass --url, then run `clawgate security audit --deep` again.',
    });
    probes.push({ name: 'gateway reachable', isOk: false, detail: live.error });
    return { url, probes, findings };
  }
  probes.push({ name: 'gateway reachable', isOk: true, detail: `GET /health → ${live.status}` });

  const crossOrigin = await upgradeStatus(host, port, { Origin: EVIL_ORIGIN });
  const isCrossOriginRefused = crossOrigin.status === 403;
  probes.push({ name: 'cross-origin WebSocket refused', isOk: isCrossOriginRefused, detail: describe(crossOrigin) });
  if (!isCrossOriginRefused) {
    findings.push({
      checkId: 'gateway.probe.cross_origin_accepted',
      severity: 'critical',
      title: 'A foreign web page can open a WebSocket to the gateway',
      detail: `An upgrade with Origin ${EVIL_ORIGIN} got ${describe(crossOrigin)} instead of 403.`,
      fix: 'Remove "*" and foreign entries from gateway.controlUi.allowedOrigins; upgrade the gateway if none are set.',
    });
  }

  const rebindHost = `rebind.evil.invalid:${port}`;
  const rebinding = await upgradeStatus(host, port, { Origin: `http://${rebindHost}`, Host: rebindHost });
  const isRebindingRefused = rebinding.status === 403;
  probes.push({ name: 'DNS-rebinding Host refused', isOk: isRebindingRefused, detail: describe(rebinding) });
  if (!isRebindingRefused) {
    findings.push({
      checkId: 'gateway.probe.dns_rebinding',
      severity: 'critical',
      title: 'DNS rebinding reaches the gateway',
      detail: `An upgrade with Host ${rebindHost} and a matching Origin got ${describe(rebinding)} instead of 403.`,
      fix: 'Remove "*" from gateway.controlUi.allowedOrigins and foreign names from gateway.controlUi.allowedHosts.',
    });
  }

  const anonymous = await connectWithoutCredential(url);
  probes.push({ name: 'connect without credential refused', isOk: anonymous.isRefused, detail: anonymous.detail });
  if (!anonymous.isRefused) {
    findings.push({
      checkId: 'gateway.probe.unauthenticated_connect',
      severity: 'critical',
      title: 'The gateway accepts connections without a credential',
      detail: `connect with no auth: ${anonymous.detail}.`,
      fix: 'Remove gateway.auth.mode "none" and restart the gateway.',
    });
  }
  return { url, probes, findings };
}

interface HttpOutcome {
  status?: number;
  code?: string;
  error?: string;
}

function describe(outcome: HttpOutcome): string {
  if (outcome.error !== undefined) return outcome.error;
  return outcome.code === undefined ? `HTTP ${outcome.status}` : `HTTP ${outcome.status} ${outcome.code}`;
}

function upgradeStatus(host: string, port: number, headers: Record<string, string>): Promise<HttpOutcome> {
  return httpStatus(host, port, {
    method: 'GET',
    path: '/',
    headers: {
      Connection: 'Upgrade',
      Upgrade: 'websocket',
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': 'Y2xhd2dhdGUtYXVkaXQhIQ==',
      ...headers,
    },
  });
}

function httpStatus(host: string, port: number, options: { method: string; path: string; headers: Record<string, string> }): Promise<HttpOutcome> {
  return new Promise((resolve) => {
    const req = request({ host, port, method: options.method, path: options.path, headers: options.headers, timeout: PROBE_TIMEOUT_MS });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve({ status: 101 });
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        if (body.length < 4096) body += chunk.toString('utf8');
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ...detailCodeOf(body) }));
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({ error: `no answer within ${PROBE_TIMEOUT_MS} ms` });
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end();
  });
}

function detailCodeOf(body: string): { code?: string } {
  try {
    const parsed = JSON.parse(body) as { error?: { details?: { code?: unknown } } };
    const code = parsed.error?.details?.code;
    return typeof code === 'string' ? { code } : {};
  } catch {
    return {};
  }
}

/** Opens a socket like a stranger: waits for the challenge, sends connect with no auth at all. */
function connectWithoutCredential(url: string): Promise<{ isRefused: boolean; detail: string }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: PROBE_TIMEOUT_MS });
    const finish = (result: { isRefused: boolean; detail: string }): void => {
      clearTimeout(timer);
      socket.terminate();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ isRefused: true, detail: 'no answer, treated as refused' }), PROBE_TIMEOUT_MS);
    socket.on('error', (error) => finish({ isRefused: true, detail: `socket error: ${error.message}` }));
    socket.on('message', (data) => {
      let frame: { type?: string; event?: string; ok?: boolean; error?: { details?: { code?: string } } };
      try {
        frame = JSON.parse(data.toString()) as typeof frame;
      } catch {
        return;
      }
      if (frame.event === 'connect.challenge') {
        socket.send(
          JSON.stringify({
            type: 'req',
            id: 'audit-probe',
            method: 'connect',
            params: {
              minProtocol: PROTOCOL_VERSION,
              maxProtocol: PROTOCOL_VERSION,
              client: { id: 'cli', version: 'security-audit', platform: process.platform, mode: 'probe' },
              role: 'operator',
              scopes: ['operator.read'],
            },
          }),
        );
        return;
      }
      if (frame.type === 'res') {
        finish(frame.ok === true ? { isRefused: false, detail: 'hello-ok' } : { isRefused: true, detail: frame.error?.details?.code ?? 'error' });
      }
    });
  });
}
