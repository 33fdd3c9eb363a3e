/**
 * The demo app of the local and dev stages (`/demo/app`): a small server-side web application that signs its user in
 * with portcullis, the way a team's own app would. It is a CLIENT of the authorization server, not part of it:
 *   GET /demo/app            a page with a "Sign in" link
 *   GET /demo/app/login      a PKCE verifier, a state and an OpenID Connect nonce in a short-lived HttpOnly cookie,
 *                            then 302 to /oauth2/authorize (scope openid …)
 *   GET /demo/app/callback   checks state and iss, exchanges the code at /oauth2/token (public client: client_id +
 *                            code_verifier), checks the id_token (our signature, iss, aud = demo-app, the nonce it
 *                            sent), calls GET /demo/data with the access token, and shows both tokens' claims and a
 *                            "Sign out" button; the id_token stays in an HttpOnly cookie for the sign-out
 *   GET /demo/app/logout     RP-initiated logout: 302 to the end_session_endpoint with the id_token as id_token_hint
 *                            and the registered post-logout URI (/demo/app?signed_out=1)
 * Locally the app lives on http://127.0.0.1:PORT (a loopback redirect URI; the authorization server is on localhost),
 * so it has its own cookies, as a real client on another site would.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Config } from '../config/types';
import { parseJson, splitCompact } from '../jose/segments';
import { verifyJwsSignature } from '../jose/verify-signature';
import { serializeCookie } from '../http/cookies';
import { redirect, type HttpResponse } from '../http/response';
import type { HttpRequest } from '../http/request';
import { sameToken } from '../sessions/session-cookie';
import { callbackPage, landingPage, problemPage } from './pages';

/** The demo app's client id (a public client the local stack registers at its first start). */
export const DEMO_APP_CLIENT_ID = 'demo-app';
export const DEMO_APP_SCOPE = 'openid read:data';
const FLOW_COOKIE = 'demo-app-flow';
/** The id_token of the signed-in user (for the sign-out's id_token_hint). */
const ID_TOKEN_COOKIE = 'demo-app-id-token';

export interface DemoAppDeps {
  config: Config;
  /** The HTTP client the app calls the token endpoint and the API with. */
  fetch?: typeof fetch;
}

/** Where the app is served: the issuer's origin, or locally 127.0.0.1 instead of localhost (another site). */
export function demoAppOrigin(issuer: string): string {
  const u = new URL(issuer);
  if (u.protocol === 'http:' && u.hostname === 'localhost') u.hostname = '127.0.0.1';
  return u.origin;
}

/** The redirect URI the demo app registers: loopback without a port locally (a public client may use any port). */
export function demoAppRedirectUri(issuer: string, opts: { registered?: boolean } = {}): string {
  const origin = demoAppOrigin(issuer);
  const base = opts.registered && origin.startsWith('http://127.0.0.1:') ? 'http://127.0.0.1' : origin;
  return `${base}${new URL(issuer).pathname.replace(/\/+$/, '')}/demo/app/callback`;
}

/** Where the end_session_endpoint sends the browser back to (registered as the demo app's post-logout redirect URI). */
export function demoAppPostLogoutUri(issuer: string): string {
  return `${demoAppOrigin(issuer)}${new URL(issuer).pathname.replace(/\/+$/, '')}/demo/app?signed_out=1`;
}

const pathOf = (config: Config, p: string) => `${new URL(config.issuer).pathname.replace(/\/+$/, '')}${p}`;

export async function handleDemoAppRequest(req: HttpRequest, deps: DemoAppDeps): Promise<HttpResponse> {
  const { config } = deps;
  const origin = demoAppOrigin(config.issuer);
  if (req.method !== 'GET') return problemPage(config, 'Only GET', 405);
  if (req.path.endsWith('/demo/app/login')) {
    const state = randomBytes(16).toString('base64url');
    const verifier = randomBytes(32).toString('base64url');
    const nonce = randomBytes(16).toString('base64url');
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: DEMO_APP_CLIENT_ID,
      redirect_uri: demoAppRedirectUri(config.issuer),
      scope: DEMO_APP_SCOPE,
      state,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      nonce,
    });
    return redirect(`${config.issuer}/oauth2/authorize?${q}`, { status: 302, cookies: [flowCookie(config, `${state}.${verifier}.${nonce}`, 600)] });
  }
  if (req.path.endsWith('/demo/app/callback')) return callback(req, deps);
  if (req.path.endsWith('/demo/app/logout')) {
    const idToken = req.cookies.get(ID_TOKEN_COOKIE);
    const q = new URLSearchParams({ client_id: DEMO_APP_CLIENT_ID, post_logout_redirect_uri: demoAppPostLogoutUri(config.issuer), ...(idToken ? { id_token_hint: idToken } : {}) });
    return redirect(`${config.issuer}/oauth2/logout?${q}`, { status: 302, cookies: [serializeCookie(ID_TOKEN_COOKIE, '', { path: pathOf(config, '/demo/app'), maxAgeSeconds: 0, httpOnly: true, sameSite: 'Lax', secure: demoAppOrigin(config.issuer).startsWith('https:') })] });
  }
  return landingPage(config, `${origin}${pathOf(config, '/demo/app/login')}`, req.query.get('signed_out')?.[0] === '1');
}

/** The flow cookie (state and PKCE verifier), set or cleared with the same flags: HttpOnly, SameSite=Lax, Secure on https. */
function flowCookie(config: Config, value: string, maxAgeSeconds: number): string {
  const secure = demoAppOrigin(config.issuer).startsWith('https:');
  return serializeCookie(FLOW_COOKIE, value, { path: pathOf(config, '/demo/app'), maxAgeSeconds, httpOnly: true, sameSite: 'Lax', secure });
}

/** What the token endpoint said: a token, a refusal, or nothing the app can use (unreachable, not JSON, not a JWT). */
type Exchange =
  | { kind: 'token'; token: Record<string, string>; header: Record<string, unknown>; payload: Record<string, unknown> }
  | { kind: 'refused'; status: number; error: string; description: string }
  | { kind: 'unreachable' }
  | { kind: 'unusable' };

async function exchange(http: typeof fetch, config: Config, code: string, verifier: string): Promise<Exchange> {
  let res: Response;
  try {
    res = await http(`${config.issuer}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: demoAppRedirectUri(config.issuer), code_verifier: verifier, client_id: DEMO_APP_CLIENT_ID }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    return { kind: 'unreachable' };
  }
  let body: Record<string, unknown>;
  try {
    body = (await res.json()) as Record<string, unknown>;
  } catch {
    return { kind: 'unusable' };
  }
  if (!body || typeof body !== 'object') return { kind: 'unusable' };
  if (res.status !== 200) {
    return typeof body.error === 'string' ? { kind: 'refused', status: res.status, error: body.error, description: String(body.error_description ?? '') } : { kind: 'unusable' };
  }
  try {
    const token = body as Record<string, string>;
    const [header, payload] = token.access_token.split('.').slice(0, 2).map((s) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Record<string, unknown>);
    if (!header || !payload || typeof header !== 'object' || typeof payload !== 'object') return { kind: 'unusable' };
    return { kind: 'token', token, header, payload };
  } catch {
    return { kind: 'unusable' };
  }
}

async function callback(req: HttpRequest, deps: DemoAppDeps): Promise<HttpResponse> {
  const { config } = deps;
  const q = (name: string) => req.query.get(name)?.[0];
  const clear = flowCookie(config, '', 0);
  const [state, verifier, nonce] = (req.cookies.get(FLOW_COOKIE) ?? '').split('.');
  if (!state || !verifier || !nonce || !sameToken(q('state'), state)) return problemPage(config, 'This sign-in did not start here (the state does not match). Start again.', 400, [clear]);
  if (q('iss') !== config.issuer) return problemPage(config, 'The answer did not come from the expected issuer (RFC 9207).', 400, [clear]);
  if (q('error')) return problemPage(config, `The sign-in ended with ${q('error')}: ${q('error_description') ?? ''}`, 400, [clear]);
  const http = deps.fetch ?? fetch;
  const result = await exchange(http, config, q('code') ?? '', verifier);
  // The code (or this sign-in) was refused: the user's problem to retry, not a failure of the app (400, never 502).
  if (result.kind === 'refused') return problemPage(config, `The token endpoint refused the code (${result.status} ${result.error}: ${result.description}). Start again.`, 400, [clear]);
  if (result.kind === 'unreachable') return problemPage(config, 'The app could not reach the token endpoint. Try again in a moment.', 503, [clear], { 'Retry-After': '5' });
  if (result.kind === 'unusable') return problemPage(config, 'The app did not understand the token endpoint\'s answer. Try again in a moment.', 503, [clear], { 'Retry-After': '5' });
  const { token, header, payload } = result;
  let idClaims: Record<string, unknown> | string;
  try {
    idClaims = await checkIdToken(token.id_token, nonce, config, http);
  } catch {
    return problemPage(config, 'The app could not check the id_token (the JWKS could not be read). Try again in a moment.', 503, [clear], { 'Retry-After': '5' });
  }
  if (typeof idClaims === 'string') return problemPage(config, `The id_token was refused: ${idClaims}.`, 400, [clear]);
  let api: { status: number; body: string };
  try {
    const res = await http(`${config.issuer}/demo/data`, { headers: { authorization: `Bearer ${token.access_token}` }, signal: AbortSignal.timeout(10_000) });
    api = { status: res.status, body: await res.text() };
  } catch {
    api = { status: 0, body: 'The API could not be reached.' };
  }
  const keep = serializeCookie(ID_TOKEN_COOKIE, token.id_token, { path: pathOf(config, '/demo/app'), maxAgeSeconds: 3600, httpOnly: true, sameSite: 'Lax', secure: demoAppOrigin(config.issuer).startsWith('https:') });
  const base = `${demoAppOrigin(config.issuer)}${pathOf(config, '/demo/app')}`;
  return callbackPage(config, { header, payload, idClaims, scope: token.scope, expiresIn: Number(token.expires_in), api, again: base, signOut: `${base}/logout` }, [clear, keep]);
}
/**
 * What a relying party checks of an id_token (OpenID Connect Core §3.1.3.7): signed by a key of the issuer's JWKS,
 * `typ` JWT, `iss` the issuer, `aud` this client, not expired, and the nonce this app sent. The claims, or why not.
 */
async function checkIdToken(idToken: string | undefined, nonce: string, config: Config, http: typeof fetch): Promise<Record<string, unknown> | string> {
  const parts = idToken ? splitCompact(idToken) : undefined;
  if (!idToken || !parts) return 'no id_token in the answer';
  const header = parseJson(parts[0]);
  const claims = parseJson(parts[1]);
  if (!header || !claims || header.typ !== 'JWT') return 'not an id_token';
  const jwks = (await (await http(config.jwksUri, { signal: AbortSignal.timeout(10_000) })).json()) as { keys: Array<{ kid: string; alg?: string }> };
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk || jwk.alg !== header.alg || !verifyJwsSignature(jwk, `${parts[0]}.${parts[1]}`, parts[2])) return 'bad signature';
  if (claims.iss !== config.issuer || claims.aud !== DEMO_APP_CLIENT_ID) return 'wrong issuer or audience';
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) return 'expired';
  if (claims.nonce !== nonce) return 'the nonce is not the one this app sent';
  return claims;
}
