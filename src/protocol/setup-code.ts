/**
 * @module protocol/setup-code — the setup code a new device pairs with, in OpenClaw's format.
 *
 * A setup code is base64url (no padding) of the JSON `{url, urls?, bootstrapToken, expiresAtMs?,
 * tlsFingerprint?}`; the setup link is `oc-pair://<setup code>`. `url` must already be in the
 * normalized form `ws[s]://host[:port]` (no path, no credentials), because `openclaw node run
 * --pair` rejects a payload whose url does not round-trip through its own normalization.
 */
import { normalizeTlsFingerprint } from './tls-fingerprint.js';
import { base64UrlToUtf8, utf8ToBase64Url } from './device-auth-payload.js';

export const SETUP_LINK_PREFIX = 'oc-pair://';

export interface SetupPayload {
  url: string;
  urls?: string[];
  bootstrapToken: string;
  expiresAtMs?: number;
  /** Lowercase hex SHA-256 of the gateway's TLS certificate, when it serves wss:// with a self-signed cert. */
  tlsFingerprint?: string;
}

export function encodeSetupCode(payload: SetupPayload): string {
  return utf8ToBase64Url(JSON.stringify(payload));
}

/** `oc-pair://<setup code>`, what `openclaw node run --pair` accepts. */
export function setupLink(payload: SetupPayload): string {
  return `${SETUP_LINK_PREFIX}${encodeSetupCode(payload)}`;
}

/** Reads a setup code or link; undefined when it is not one (or has expired at `nowMs`). */
export function decodeSetupCode(input: string, nowMs: number): SetupPayload | undefined {
  const trimmed = input.trim();
  const code = trimmed.toLowerCase().startsWith(SETUP_LINK_PREFIX) ? trimmed.slice(SETUP_LINK_PREFIX.length) : trimmed;
  if (!/^[A-Za-z0-9_-]+$/.test(code)) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(base64UrlToUtf8(code));
  } catch {
    return undefined;
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) return undefined;
  const record = decoded as Record<string, unknown>;
  const { url, bootstrapToken, expiresAtMs, tlsFingerprint } = record;
  if (typeof url !== 'string' || normalizeSetupUrl(url) !== url) return undefined;
  if (typeof bootstrapToken !== 'string' || bootstrapToken === '') return undefined;
  const payload: SetupPayload = { url, bootstrapToken };
  if (expiresAtMs !== undefined) {
    if (typeof expiresAtMs !== 'number' || !Number.isSafeInteger(expiresAtMs) || expiresAtMs <= nowMs) return undefined;
    payload.expiresAtMs = expiresAtMs;
  }
  if (tlsFingerprint !== undefined) {
    const normalized = typeof tlsFingerprint === 'string' ? normalizeTlsFingerprint(tlsFingerprint) : undefined;
    if (normalized === undefined) return undefined;
    payload.tlsFingerprint = normalized;
  }
  return payload;
}

/**
 * Normalizes a gateway URL to `ws[s]://host[:port]` (http→ws, https→wss, path dropped); undefined
 * when it has credentials, another scheme, or no host.
 */
export function normalizeSetupUrl(raw: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (parsed.username !== '' || parsed.password !== '' || parsed.hostname === '') return undefined;
  const scheme = { 'ws:': 'ws', 'wss:': 'wss', 'http:': 'ws', 'https:': 'wss' }[parsed.protocol];
  if (scheme === undefined) return undefined;
  return `${scheme}://${parsed.hostname}${parsed.port === '' ? '' : `:${parsed.port}`}`;
}

