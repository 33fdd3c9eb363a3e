/**
 * Authorization responses at the client's redirect URI (RFC 6749 §4.1.2, §4.1.2.1): `code` or `error` (with
 * `error_description`), `state` when the request had a valid one, and always `iss` (RFC 9207), appended to the
 * registered URI's own query. Every value is percent-encoded: nothing in `state` can split the Location header.
 */
import { redirect, type HttpResponse } from '../http/response';

/** RFC 6749 §4.1.2.1: error_description is %x20-21 / %x23-5B / %x5D-7E. */
const descriptionChars = (s: string) => s.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '?');

export function authorizationResponseUrl(redirectUri: string, params: Record<string, string | undefined>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) sp.append(k, v);
  return `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${sp.toString()}`;
}

/** A redirect with the code. 302 after the GET of the authorization endpoint, 303 after a form POST. */
export function codeRedirect(t: { redirectUri: string; state?: string }, code: string, issuer: string, status: 302 | 303, cookies?: string[]): HttpResponse {
  return redirect(authorizationResponseUrl(t.redirectUri, { code, state: t.state, iss: issuer }), { status, cookies });
}

export function errorRedirect(t: { redirectUri: string; state?: string }, error: string, description: string | undefined, issuer: string, status: 302 | 303, cookies?: string[]): HttpResponse {
  const params = { error, error_description: description === undefined ? undefined : descriptionChars(description), state: t.state, iss: issuer };
  return redirect(authorizationResponseUrl(t.redirectUri, params), { status, cookies });
}
