/**
 * portcullis as an OpenID Provider for a certified relying-party library: openid-client 6 drives discovery, the code
 * flow with PKCE and nonce, id_token validation, userinfo, refresh (a new id_token, validated by the library, and a
 * rotated refresh token) and RP-initiated logout, with a real Chromium signing in on the local stack (serverless-offline
 * + dynalite, the same code as `npm start`). After the logout, prompt=none answers login_required, the latest refresh
 * token gets invalid_grant (the session's families die with it) and the access token is refused at the gateway
 * (/demo/data) within the revocation bound. Negative:
 * a wrong nonce, an id_token used as an access token, hints from another issuer or forged, open-redirect tries on
 * post_logout_redirect_uri. And the demo app's id_token claims and Sign out button.
 */
import { createHash } from 'node:crypto';
import * as client from 'openid-client';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchBrowser, startClientApp, submitSignIn, watchedPage, type ClientApp } from '../../testkit/browser';
import { cli, lastJson } from '../../testkit/cli';
import { startTestStack, type TestStack } from '../../testkit/stack';
import { seedPeopleDemo } from '../../infra/local/people-demo';

const PASSWORD = 'correct horse battery staple';

let stack: TestStack;
let browser: Browser;
let app: ClientApp;
let rp: { client_id: string; client_secret: string };
let config: client.Configuration;
const contexts: BrowserContext[] = [];

const admin = async (args: string[], input?: string) => {
  const r = await cli('admin', [...args, '--json'], stack.stateDir, {}, input);
  if (r.code !== 0) throw new Error(`admin ${args.join(' ')}: ${r.code} ${r.stderr}`);
  return lastJson(r.stdout);
};
const boundMs = () => stack.config.revocation.refreshMs + stack.config.revocation.maxStalenessMs + 2_000;
const readData = (token: string) => fetch(`${stack.url}/demo/data`, { headers: { Authorization: `Bearer ${token}` } }).then((r) => r.status);

async function untilStatus(token: string, status: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const got = await readData(token);
    if (got === status) return Date.now() - started;
    if (Date.now() - started > boundMs()) throw new Error(`still ${got} after ${boundMs()} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  [stack, browser, app] = await Promise.all([startTestStack(), launchBrowser(), startClientApp()]);
  const created = await admin(['users', 'create', '--username', 'alice', '--roles', 'reader', '--password-stdin', '--email', 'alice@example.com', '--email-verified', '--name', 'Alice'], `${PASSWORD}\n`);
  expect(created).toMatchObject({ email: 'alice@example.com', email_verified: true, name: 'Alice' });
  // The profile claims change with users set-profile (the email stays verified: it did not change).
  expect(await admin(['users', 'set-profile', 'alice', '--name', 'Alice Liddell'])).toMatchObject({ name: 'Alice Liddell', email: 'alice@example.com', email_verified: true });
  rp = await admin(['clients', 'create', '--name', 'RP', '--scopes', 'openid profile email read:data', '--grant-types', 'authorization_code refresh_token', '--redirect-uris', `${app.origin}/cb`]);
  // Registered after the fact, as an operator would: clients update.
  const updated = await admin(['clients', 'update', rp.client_id, '--post-logout-redirect-uris', `${app.origin}/bye`]);
  expect(updated.post_logout_redirect_uris).toEqual([`${app.origin}/bye`]);
  config = await client.discovery(new URL(stack.url), rp.client_id, rp.client_secret, undefined, { execute: [client.allowInsecureRequests] });
}, 240_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await Promise.all([browser?.close(), app?.close(), stack?.stop()]);
});

async function freshBrowser() {
  const context = await browser.newContext({ locale: 'en-US' });
  contexts.push(context);
  return { context, ...(await watchedPage(context)) };
}

/** The code flow as openid-client builds it; the browser signs in (or rides the SSO session). The callback URL and the checks. */
async function authorize(page: Awaited<ReturnType<typeof freshBrowser>>['page'], over: Record<string, string> = {}, signIn = true) {
  const verifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: `${app.origin}/cb`,
    scope: 'openid profile email read:data',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce,
    state,
    ...over,
  });
  await page.goto(url.href);
  if (signIn) await submitSignIn(page, 'alice', PASSWORD);
  return { callback: new URL(page.url()), verifier, nonce, state };
}

test('discovery: openid-client reads /.well-known/openid-configuration, consistent with RFC 8414', async () => {
  const m = config.serverMetadata();
  expect(m).toMatchObject({
    issuer: stack.url,
    userinfo_endpoint: `${stack.url}/oauth2/userinfo`,
    end_session_endpoint: `${stack.url}/oauth2/logout`,
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
  });
  expect(m.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email']));
  expect(m.claims_supported).toEqual(expect.arrayContaining(['sub', 'nonce', 'sid', 'email', 'email_verified', 'name', 'preferred_username']));
  const oauth = (await (await fetch(`${stack.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
  for (const name of ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri', 'userinfo_endpoint', 'end_session_endpoint']) expect(oauth[name]).toBe(m[name as keyof typeof m]);
}, 60_000);

test('code flow with PKCE and nonce; the library validates the id_token; userinfo; refresh; logout ends the session everywhere', async () => {
  const { page, dialogs } = await freshBrowser();
  const a = await authorize(page);
  expect(a.callback.origin).toBe(app.origin);
  const tokens = await client.authorizationCodeGrant(config, a.callback, { pkceCodeVerifier: a.verifier, expectedNonce: a.nonce, expectedState: a.state, idTokenExpected: true });
  const claims = tokens.claims()!;
  expect(claims).toMatchObject({ iss: stack.url, aud: rp.client_id, nonce: a.nonce, name: 'Alice Liddell', preferred_username: 'alice', email: 'alice@example.com', email_verified: true, sid: expect.any(String), auth_time: expect.any(Number) });
  const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  expect(info).toEqual({ sub: claims.sub, name: 'Alice Liddell', preferred_username: 'alice', email: 'alice@example.com', email_verified: true });
  expect(await readData(tokens.access_token)).toBe(200);
  // The id_token is no access token at the gateway.
  expect(await readData(tokens.id_token!)).toBe(401);

  // Refresh (OIDC Core §12.2): the library validates the new id_token; same iss, sub, aud, sid, auth_time, no nonce,
  // at_hash of the new access token; the refresh token rotates.
  expect(tokens.refresh_token).toEqual(expect.any(String));
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
  expect(refreshed.refresh_token).toEqual(expect.any(String));
  expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
  expect(refreshed.access_token).not.toBe(tokens.access_token);
  const again = refreshed.claims()!;
  expect(again).toMatchObject({ iss: stack.url, aud: rp.client_id, sub: claims.sub, sid: claims.sid, auth_time: claims.auth_time, name: 'Alice Liddell', email: 'alice@example.com' });
  expect(again).not.toHaveProperty('nonce');
  expect(again.at_hash).toBe(createHash('sha256').update(refreshed.access_token).digest().subarray(0, 16).toString('base64url'));
  expect(await readData(refreshed.access_token)).toBe(200);

  // RP-initiated logout as the library builds it: no page, back at the client with state.
  const end = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: `${app.origin}/bye`, state: 'bye-1' });
  await page.goto(end.href);
  const back = new URL(page.url());
  expect(`${back.origin}${back.pathname}`).toBe(`${app.origin}/bye`);
  expect(back.searchParams.get('state')).toBe('bye-1');

  // The browser is signed out: prompt=none → login_required.
  const silent = await authorize(page, { prompt: 'none' }, false);
  expect(silent.callback.searchParams.get('error')).toBe('login_required');
  // The session's refresh-token families died with it: the latest refresh token gets invalid_grant (at once: the refresh
  // grant reads the session's revocation record).
  const dead = (await client.refreshTokenGrant(config, refreshed.refresh_token!).catch((e: unknown) => e)) as client.ResponseBodyError;
  expect(dead).toBeInstanceOf(client.ResponseBodyError);
  expect({ status: dead.status, error: dead.error }).toEqual({ status: 400, error: 'invalid_grant' });
  // The access token dies at the gateway within the bound; userinfo refuses it at once.
  const tookMs = await untilStatus(tokens.access_token, 401);
  expect(tookMs).toBeLessThanOrEqual(boundMs());
  expect(await untilStatus(refreshed.access_token, 401)).toBeLessThanOrEqual(boundMs());
  await expect(client.fetchUserInfo(config, tokens.access_token, claims.sub)).rejects.toThrow();
  const raw = await fetch(`${stack.url}/oauth2/userinfo`, { headers: { Authorization: `Bearer ${tokens.access_token}` } });
  expect(raw.status).toBe(401);
  expect(raw.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
  expect(dialogs).toEqual([]);
}, 120_000);

test('a wrong nonce is caught by the library; the id_token_hint must be ours; post_logout_redirect_uri must be registered', async () => {
  const { page } = await freshBrowser();
  const a = await authorize(page);
  const refused = (await client.authorizationCodeGrant(config, a.callback, { pkceCodeVerifier: a.verifier, expectedNonce: 'not-the-nonce', expectedState: a.state }).catch((e: unknown) => e)) as Error & { code?: string; cause?: { claim?: string; cause?: { claim?: string } } };
  expect(refused).toBeInstanceOf(Error);
  expect(refused.message).toBe('unexpected JWT claim value encountered');
  expect(refused.cause?.claim ?? refused.cause?.cause?.claim).toBe('nonce');
  const b = await authorize(page, {}, false);
  const tokens = await client.authorizationCodeGrant(config, b.callback, { pkceCodeVerifier: b.verifier, expectedNonce: b.nonce, expectedState: b.state });
  const idToken = tokens.id_token!;
  const [h, p, s] = idToken.split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  const otherIssuer = `${h}.${Buffer.from(JSON.stringify({ ...payload, iss: 'https://evil.example.com' })).toString('base64url')}.${s}`;
  const forged = `${h}.${p}.${s.slice(0, -4)}${s.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
  const logout = (params: Record<string, string>, cookies = '') =>
    fetch(`${stack.url}/oauth2/logout?${new URLSearchParams(params)}`, { redirect: 'manual', headers: cookies ? { cookie: cookies } : {} });
  for (const hint of [otherIssuer, forged, tokens.access_token]) {
    const res = await logout({ id_token_hint: hint, post_logout_redirect_uri: `${app.origin}/bye` });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  }
  for (const uri of [`${app.origin}/bye/`, `${app.origin}/bye?x=1`, `${app.origin}/other`, 'https://evil.example.com/bye', `http://localhost:${app.port}/bye`, '//evil.example.com', 'javascript:alert(1)']) {
    const res = await logout({ id_token_hint: idToken, post_logout_redirect_uri: uri });
    expect({ uri, status: res.status, location: res.headers.get('location') }).toEqual({ uri, status: 400, location: null });
  }
  // None of that ended the session: the browser still rides it, and the token still works.
  expect(await readData(tokens.access_token)).toBe(200);
  const again = await authorize(page, {}, false);
  expect(again.callback.searchParams.get('code')).toBeTruthy();
  // Without a hint the user is asked first.
  await page.goto(`${stack.url}/oauth2/logout?client_id=${rp.client_id}&post_logout_redirect_uri=${encodeURIComponent(`${app.origin}/bye`)}&state=s2`);
  expect(await page.getByRole('heading', { name: 'Sign out?' }).isVisible()).toBe(true);
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Sign out' }).click()]);
  const back = new URL(page.url());
  expect(`${back.origin}${back.pathname}?${back.searchParams}`).toBe(`${app.origin}/bye?state=s2`);
  await untilStatus(tokens.access_token, 401);
}, 120_000);

test('the demo app sends a nonce, shows the checked id_token claims, and its Sign out button logs out back to it', async () => {
  const printed = await seedPeopleDemo(stack, stack.stateDir);
  const password = /password: (\S+)/.exec(printed)![1];
  const { page, dialogs } = await freshBrowser();
  await page.goto(`${stack.url}/demo/app`);
  await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Sign in' }).click()]);
  expect(new URL(page.url()).searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{22}$/);
  await submitSignIn(page, 'demo', password);
  expect(await page.getByRole('heading', { name: 'Signed in' }).isVisible()).toBe(true);
  const idClaims = JSON.parse((await page.locator('#id-token-claims').textContent())!);
  expect(idClaims).toMatchObject({ iss: stack.url, aud: 'demo-app', nonce: expect.any(String), sid: expect.any(String), sub: expect.stringMatching(/^usr_/) });
  await Promise.all([page.waitForURL(/signed_out=1/), page.getByRole('button', { name: 'Sign out' }).click()]);
  expect(await page.locator('#signed-out').isVisible()).toBe(true);
  // Signing in again needs the password: the session is over.
  await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Sign in' }).click()]);
  expect(await page.getByLabel('Password').isVisible()).toBe(true);
  expect(dialogs).toEqual([]);
}, 120_000);
