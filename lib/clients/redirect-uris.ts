/**
 * Redirect URIs (RFC 6749 §3.1.2, RFC 9700 §4.1, RFC 8252 §7.3 / §8.3): registered exactly, matched exactly.
 *   - https, or http on a loopback address literal: http://127.0.0.1:PORT/… and http://[::1]:PORT/…
 *     (`localhost` is not accepted: it is a name that may resolve elsewhere, and it is not an alias of 127.0.0.1);
 *   - no fragment, no wildcard, no user information, no other scheme (javascript:, data:, custom schemes);
 *   - in canonical form (as the WHATWG URL parser writes it back), so one URI has one spelling;
 *   - at request time the exact registered string, port included. Only a public client (a native app) may use
 *     another port on a registered loopback URI (RFC 8252 §7.3: the port is chosen when the app starts).
 * Refused at registration, never silently "fixed".
 */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', '[::1]']);
export const MAX_REDIRECT_URI_CHARS = 2000;

function parse(uri: string): URL | undefined {
  try {
    return new URL(uri);
  } catch {
    return undefined;
  }
}

/** Why a URI cannot be registered as a redirect URI, or undefined. */
export function redirectUriProblem(uri: string): string | undefined {
  if (uri.length > MAX_REDIRECT_URI_CHARS) return `is longer than ${MAX_REDIRECT_URI_CHARS} characters`;
  if (/[\s\x00-\x1f\x7f]/.test(uri)) return 'contains whitespace or control characters';
  if (uri.includes('#')) return 'has a fragment, which a redirect URI must not have (RFC 6749 §3.1.2)';
  if (uri.includes('*')) return 'has a wildcard: register every redirect URI exactly';
  const url = parse(uri);
  if (!url) return 'is not an absolute URI';
  if (url.protocol === 'http:') {
    if (!LOOPBACK_HOSTS.has(url.hostname)) {
      return 'uses http, which is allowed only on a loopback address: http://127.0.0.1:PORT/… or http://[::1]:PORT/… (localhost is not accepted, RFC 8252 §8.3)';
    }
  } else if (url.protocol !== 'https:') {
    return `uses the scheme "${url.protocol.replace(/:$/, '')}": only https (or http on a loopback address) is allowed`;
  }
  if (url.username || url.password) return 'has user information';
  if (url.href !== uri) return `is not in canonical form: register it as ${url.href}`;
  return undefined;
}

/** Every problem of a list of URIs to register, one line each. */
export const redirectUriProblems = (uris: readonly string[]): string[] =>
  uris.flatMap((u) => {
    const p = redirectUriProblem(u);
    return p ? [`"${u.length > 100 ? `${u.slice(0, 100)}…` : u}" ${p}`] : [];
  });

/** Whether `requested` is one of the client's redirect URIs (exact; loopback port free for public clients only). */
export function redirectUriMatches(requested: string, client: { redirectUris?: string[]; public?: boolean }): boolean {
  const registered = client.redirectUris ?? [];
  if (registered.includes(requested)) return true;
  if (!client.public || requested.length > MAX_REDIRECT_URI_CHARS) return false;
  const r = parse(requested);
  if (!r || r.href !== requested || r.protocol !== 'http:' || !LOOPBACK_HOSTS.has(r.hostname) || r.username || r.password || r.hash) return false;
  return registered.some((reg) => {
    const g = parse(reg);
    return g !== undefined && g.protocol === 'http:' && g.hostname === r.hostname && g.pathname === r.pathname && g.search === r.search;
  });
}

/** The origin a redirect URI sends the browser to (the hosted pages allow form submissions to lead there). */
export const redirectOrigin = (uri: string): string | undefined => parse(uri)?.origin;
