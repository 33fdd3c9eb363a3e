/**
 * HTTP answers: JSON (the OAuth endpoints), empty, redirects and HTML pages (browser flows).
 * `cookies` holds one Set-Cookie value each: a header map cannot carry several, so the API Gateway
 * adapter (api-handler.ts) sends them as multi-value headers (REST) or `cookies` (HTTP API).
 */
import { serializeError } from '../core/errors';

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  /** Set-Cookie values, one per cookie. */
  cookies?: string[];
  body: string;
}

/** Every OAuth endpoint answer carries these, errors included (RFC 6749 §5.1). */
export const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json;charset=UTF-8', ...headers },
    body: JSON.stringify(body),
  };
}

export function noStoreJson(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return json(statusCode, body, { ...NO_STORE, ...headers });
}

export function empty(statusCode: number, headers: Record<string, string> = {}): HttpResponse {
  return { statusCode, headers: { ...NO_STORE, ...headers }, body: '' };
}

/**
 * A 303 See Other to `location` (after a POST the browser GETs it; 302 after a GET), never cached, no referrer
 * leaked (the URL may carry an authorization code), nothing to sniff or frame.
 */
export function redirect(location: string, opts: { status?: 302 | 303; cookies?: string[] } = {}): HttpResponse {
  return {
    statusCode: opts.status ?? 303,
    headers: {
      Location: location,
      ...NO_STORE,
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    },
    ...(opts.cookies?.length ? { cookies: opts.cookies } : {}),
    body: '',
  };
}

/** A CSP source for an origin (scheme://host[:port]); anything else is dropped. */
const ORIGIN_SOURCE = /^https?:\/\/(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The headers of every HTML page: no script at all, forms post only to us, never framed (clickjacking),
 * styles only from the page's own hashed <style> or from us, no sniffing, no referrer, never cached.
 * `formTargets`: origins a form's POST may be redirected to (a sign-in that ends at the client's redirect URI:
 * browsers apply form-action to the redirects that follow a form submission).
 */
export function htmlSecurityHeaders(styleHashes: string[] = [], formTargets: string[] = []): Record<string, string> {
  const styles = ["'self'", ...styleHashes.map((h) => `'${h}'`)].join(' ');
  const forms = ["'self'", ...formTargets.filter((o) => ORIGIN_SOURCE.test(o))].join(' ');
  return {
    'Content-Type': 'text/html;charset=UTF-8',
    'Content-Security-Policy': `default-src 'none'; style-src ${styles}; img-src 'self' data:; form-action ${forms}; frame-ancestors 'none'; base-uri 'none'`,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    ...NO_STORE,
  };
}

/** A server-rendered page; `body` must already be escaped (lib/http/html.ts). */
export function htmlPage(statusCode: number, body: string, opts: { styleHashes?: string[]; cookies?: string[]; formTargets?: string[] } = {}): HttpResponse {
  return {
    statusCode,
    headers: htmlSecurityHeaders(opts.styleHashes, opts.formTargets),
    ...(opts.cookies?.length ? { cookies: opts.cookies } : {}),
    body,
  };
}

/** The one place an error becomes a JSON answer (the OAuth endpoints). */
export function errorResponse(err: unknown): HttpResponse {
  const s = serializeError(err);
  return noStoreJson(s.status, s.body, s.headers);
}
