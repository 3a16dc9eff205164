/**
 * @module control-ui/headers — the security headers every Control UI response carries.
 *
 * The CSP allows only this origin: scripts and styles from files (no inline code, no eval), images
 * from the origin or `data:`, the WebSocket back to the same host. No frame may embed the UI
 * (clickjacking of approval buttons), `<base>` and form posts are off, and no Referer leaves.
 */

/** The Content-Security-Policy for one request; `host` is the (already checked) Host header. */
export function contentSecurityPolicy(host: string): string {
  return [
    "default-src 'self'",
    // 'self' covers same-origin ws(s) in CSP3 browsers; listed explicitly for older engines.
    `connect-src 'self' ws://${host} wss://${host}`,
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** Headers shared by every UI response (pages, assets, refusals). */
export function securityHeaders(host: string): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(host),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  };
}

/** Cache policy: hashed assets forever, everything else revalidated on each load. */
export function cacheControl(isImmutable: boolean): string {
  return isImmutable ? 'public, max-age=31536000, immutable' : 'no-cache';
}
