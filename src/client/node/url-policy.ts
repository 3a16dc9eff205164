/**
 * @module client/node/url-policy — which gateway URLs a client may use before anything is sent.
 *
 * Plain `ws://` carries the token in clear, so it is accepted only where the path cannot leave a
 * network the owner controls: loopback, private ranges (RFC 1918, link-local, IPv6 ULA), Tailscale's
 * CGNAT range 100.64.0.0/10, `.local` and `*.ts.net` names (OpenClaw `isSecureWebSocketUrl`, newer
 * rules). Anything else needs `wss://`, unless the owner sets CLAWGATE_ALLOW_INSECURE_WS=1
 * (or OpenClaw's OPENCLAW_ALLOW_INSECURE_PRIVATE_WS=1).
 */
import { isIP } from 'node:net';
import { GatewayError, normalizeTlsFingerprint } from '../../protocol/index.js';

/** Environment variables that explicitly allow plaintext ws:// to any host. */
export const INSECURE_WS_OVERRIDE_VARS = ['CLAWGATE_ALLOW_INSECURE_WS', 'OPENCLAW_ALLOW_INSECURE_PRIVATE_WS'] as const;

/** True when the environment carries the explicit plaintext override. */
export function hasInsecureWsOverride(env: NodeJS.ProcessEnv): boolean {
  return INSECURE_WS_OVERRIDE_VARS.some((name) => env[name] === '1' || env[name]?.toLowerCase() === 'true');
}

/** True when `host` (hostname or IP literal, brackets stripped) may be reached over plaintext ws://. */
export function isPrivateGatewayHost(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost') || name.endsWith('.local') || name.endsWith('.ts.net')) return true;
  const family = isIP(name);
  if (family === 4) return isPrivateIPv4(name);
  if (family === 6) return isPrivateIPv6(name);
  return false;
}

function isPrivateIPv4(address: string): boolean {
  const [a = -1, b = -1] = address.split('.').map(Number);
  return (
    a === 127 ||
    a === 10 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254) ||
    (a === 100 && b >= 64 && b <= 127)
  );
}

function isPrivateIPv6(address: string): boolean {
  if (address === '::1') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped?.[1] !== undefined) return isPrivateIPv4(mapped[1]);
  const first = parseInt(address.split(':')[0] || '0', 16);
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80; // ULA fc00::/7, link-local fe80::/10
}

/**
 * Checks a URL and optional pin before any socket opens. Returns the normalised pin (if any).
 * Throws INSECURE_WS_REFUSED, TLS_PIN_REQUIRES_WSS or TLS_FINGERPRINT_INVALID.
 */
export function checkGatewayUrl(url: string, options: { tlsFingerprint?: string | undefined; allowInsecureWs: boolean }): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined; // the socket layer reports an unparseable URL with its own message
  }
  // A Unix socket never leaves the host; the state dir's mode guards who can reach it.
  if (parsed.protocol === 'ws+unix:') {
    if (options.tlsFingerprint !== undefined) throw new GatewayError('TLS_PIN_REQUIRES_WSS', { url });
    return undefined;
  }
  const isSecure = parsed.protocol === 'wss:' || parsed.protocol === 'https:';
  let pin: string | undefined;
  if (options.tlsFingerprint !== undefined) {
    pin = normalizeTlsFingerprint(options.tlsFingerprint);
    if (pin === undefined) throw new GatewayError('TLS_FINGERPRINT_INVALID', { fingerprint: options.tlsFingerprint });
    if (!isSecure) throw new GatewayError('TLS_PIN_REQUIRES_WSS', { url });
  }
  if (!isSecure && !options.allowInsecureWs && !isPrivateGatewayHost(parsed.hostname)) {
    throw new GatewayError('INSECURE_WS_REFUSED', { host: parsed.hostname });
  }
  return pin;
}
