/**
 * @module ui/credentials — what a launch URL may carry, and where the gateway secret is kept.
 *
 * Accepted, from the fragment only (fragments never reach request logs or Referer headers):
 * `#token=<gateway token>` and `#bootstrap=<one-time code>` (from `clawgate dashboard` or a setup
 * code). Both are removed from the address bar at once. `?token=`, `?password=` and `?gatewayUrl=`
 * are never honoured: they are stripped too, and the UI only ever connects to its own origin.
 * A token is kept in sessionStorage (this tab, this origin) once it worked; a password only in memory.
 */

const TOKEN_KEY = 'clawgate.gatewayToken';
const DROPPED_QUERY_KEYS = ['token', 'password', 'gatewayUrl', 'gatewayurl', 'bootstrap', 'bootstrapToken'];

export interface LaunchCredentials {
  token?: string;
  bootstrapToken?: string;
  /** Query keys that were present and ignored (the UI tells the user). */
  ignored: string[];
}

/** Reads and removes launch credentials from the current URL (call once, before anything else). */
export function takeLaunchCredentials(location: Location = window.location, history: History = window.history): LaunchCredentials {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  const query = new URLSearchParams(location.search);
  const result: LaunchCredentials = { ignored: [] };
  const token = fragment.get('token');
  const bootstrap = fragment.get('bootstrap') ?? fragment.get('bootstrapToken');
  if (token !== null && token.trim() !== '') result.token = token.trim();
  if (bootstrap !== null && bootstrap.trim() !== '') result.bootstrapToken = bootstrap.trim();
  for (const key of DROPPED_QUERY_KEYS) {
    if (query.has(key)) {
      result.ignored.push(key);
      query.delete(key);
    }
  }
  if (location.hash !== '' || result.ignored.length > 0) {
    const search = query.toString();
    history.replaceState(null, '', `${location.pathname}${search === '' ? '' : `?${search}`}`);
  }
  return result;
}

export function storedToken(): string | undefined {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function storeToken(token: string | undefined): void {
  try {
    if (token === undefined) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // Storage disabled: the token lives for this page only.
  }
}
