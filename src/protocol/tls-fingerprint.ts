/**
 * @module protocol/tls-fingerprint — the one format for certificate pins: SHA-256 over the DER.
 *
 * Follows OpenClaw (`src/infra/tls/fingerprint`): strip an optional `sha256:`/`sha-256` prefix, drop
 * colons and whitespace, lowercase. Node's `X509Certificate.fingerprint256` (`AB:CD:…`) and bare hex
 * both normalise to the same 64 lowercase hex characters.
 */

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Normalises a pin or a presented fingerprint; undefined when it is not a SHA-256 fingerprint. */
export function normalizeTlsFingerprint(input: string): string | undefined {
  const stripped = input
    .trim()
    .toLowerCase()
    .replace(/^sha-?256[:=]?/, '')
    .replace(/[:\s]/g, '');
  return SHA256_HEX.test(stripped) ? stripped : undefined;
}

/** The display form used in logs, `gateway status` and errors: `sha256:<64 hex>`. */
export function formatTlsFingerprint(normalized: string): string {
  return `sha256:${normalized}`;
}
