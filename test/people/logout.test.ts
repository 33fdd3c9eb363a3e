/**
 * RP-initiated logout at /oauth2/logout, as a browser sees it: with a valid id_token_hint and a registered
 * post_logout_redirect_uri the session ends with no page and the browser goes back with `state`; without a hint a
 * confirmation page (CSRF-protected); an unregistered URI is never redirected to; hints that are not our id_tokens are
 * refused. Ending a session: the cookie cleared, the record gone (codes and refresh families of it die), every access
 * token of it revoked by sid, `session.ended` audited.
 */
import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt } from 'jose';
import { handleLogoutRequest, type LogoutDeps } from '../../lib/endpoints/logout';
import { signJws } from '../../lib/jose/sign';
import { FileSigner } from '../../lib/keys/file-signer';
import { tokenFacts } from '../../lib/models/revocation-match';
import type { HttpResponse } from '../../lib/http/response';
import { browserRequest, CookieJar, formFields, peopleWorld, pkce } from '../../testkit/people-world';
import { testSigner } from '../../testkit/token-fixture';

const BACK = 'https://app.example.com/signed-out';

async function setup() {
  const w = await peopleWorld();
  await w.clientAdmin.update(w.web.client.clientId, { postLogoutRedirectUris: [BACK, 'https://app.example.com/bye?lang=en'] });
  const other = await w.clientAdmin.create({ name: 'Other app', scopes: ['openid', 'read:data'], redirectUris: ['https://other.example.com/cb'], postLogoutRedirectUris: ['https://other.example.com/bye'] });
  const deps: LogoutDeps = { config: w.config, clients: w.deps.clients, keyRing: w.tokenDeps.keyRing, signInState: w.signInState, sessions: w.sessions, revocations: w.revocations, audit: w.audit, clock: w.clock };
  /** alice signs in in this browser; the tokens of the web client. */
  async function signedIn(jar = new CookieJar()) {
    const { verifier, challenge } = pkce();
    const { res } = await w.signIn(jar, w.query({}, challenge));
    const code = w.redirectParams(res).get('code')!;
    const t = JSON.parse((await w.exchange(code, verifier)).body) as { access_token: string; id_token: string };
    return { jar, ...t, claims: decodeJwt(t.access_token) };
  }
  const logout = (params: Record<string, string>, jar?: CookieJar, method: 'GET' | 'POST' = 'GET') => {
    const q = new URLSearchParams(params).toString();
    return handleLogoutRequest(browserRequest(method, '/oauth2/logout', method === 'GET' ? { query: q, jar } : { body: q, jar }), deps);
  };
  const sessionEnded = async (claims: Record<string, unknown>) => {
    const hit = await w.revocations.findForToken(tokenFacts(claims as Parameters<typeof tokenFacts>[0]));
    return hit?.reason === 'session_ended' && (await w.sessions.get(claims.sid as string)) === undefined;
  };
  return { w, other, deps, signedIn, logout, sessionEnded };
}

const isPage = (res: HttpResponse, status: number) => {
  expect(res.statusCode).toBe(status);
  expect(res.headers.Location).toBeUndefined();
  expect(res.headers['Content-Type']).toBe('text/html;charset=UTF-8');
  expect(res.headers['Content-Security-Policy']).toContain("default-src 'none'");
};
const clearsCookie = (res: HttpResponse) => expect(res.cookies).toEqual(["__Host-portcullis-session=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax"]);

test('a valid id_token_hint and a registered URI: the session ends with no page, back to the client with state', async () => {
  const { w, signedIn, logout, sessionEnded } = await setup();
  const a = await signedIn();
  expect(await sessionEnded(a.claims)).toBe(false);
  const res = await logout({ id_token_hint: a.id_token, post_logout_redirect_uri: BACK, state: 'xyz 1' }, a.jar);
  expect(res.statusCode).toBe(302);
  expect(res.headers.Location).toBe(`${BACK}?state=xyz+1`);
  clearsCookie(res);
  expect(await sessionEnded(a.claims)).toBe(true);
  const ended = w.audit.events.filter((e) => e.event === 'session.ended');
  expect(ended).toEqual([expect.objectContaining({ outcome: 'success', reason: 'logout', sub: w.alice.sub, client_id: w.web.client.clientId, detail: expect.objectContaining({ sid: a.claims.sid, was_live: true }) })]);
  // The browser is signed out: prompt=none answers login_required.
  a.jar.take(res);
  const silent = await w.authorize(w.query({ prompt: 'none' }), a.jar);
  expect(w.redirectParams(silent).get('error')).toBe('login_required');
});

test('a code issued in the session before the logout cannot be exchanged after it; tokens of a new sign-in are untouched', async () => {
  const { w, signedIn, logout, sessionEnded } = await setup();
  const a = await signedIn();
  const { verifier, challenge } = pkce();
  const pending = w.redirectParams(await w.authorize(w.query({}, challenge), a.jar)).get('code')!;
  await logout({ id_token_hint: a.id_token }, a.jar);
  const late = await w.exchange(pending, verifier);
  expect(late.statusCode).toBe(400);
  expect(JSON.parse(late.body)).toMatchObject({ error: 'invalid_grant' });
  w.clock.advance(10_000);
  const b = await signedIn();
  expect(b.claims.sid).not.toBe(a.claims.sid);
  expect(await sessionEnded(b.claims)).toBe(false);
});

test('no hint: a confirmation page (decision=logout, CSRF bound to the session); confirming ends the session and goes back', async () => {
  const { w, signedIn, logout, sessionEnded } = await setup();
  const a = await signedIn();
  const page = await logout({ client_id: w.web.client.clientId, post_logout_redirect_uri: BACK, state: 's1' }, a.jar);
  isPage(page, 200);
  expect(page.body).toContain('<button type="submit" name="decision" value="logout">');
  expect(page.headers['Content-Security-Policy']).toContain("form-action 'self' https://app.example.com");
  expect(await sessionEnded(a.claims)).toBe(false);
  const fields = formFields(page.body);
  expect(Object.keys(fields).sort()).toEqual(['client_id', 'csrf', 'post_logout_redirect_uri', 'state']);

  // A forged form (no or another CSRF token) ends nothing.
  const forged = await logout({ ...fields, csrf: 'x'.repeat(43), decision: 'logout' }, a.jar, 'POST');
  isPage(forged, 400);
  expect(await sessionEnded(a.claims)).toBe(false);
  // "Stay signed in" ends nothing either.
  const stay = await logout({ ...fields, decision: 'stay' }, a.jar, 'POST');
  isPage(stay, 200);
  expect(await sessionEnded(a.claims)).toBe(false);

  const done = await logout({ ...fields, decision: 'logout' }, a.jar, 'POST');
  expect(done.statusCode).toBe(303);
  expect(done.headers.Location).toBe(`${BACK}?state=s1`);
  clearsCookie(done);
  expect(await sessionEnded(a.claims)).toBe(true);
  expect(w.audit.events.filter((e) => e.event === 'session.ended').map((e) => [e.outcome, e.reason])).toEqual([
    ['failure', 'csrf'],
    ['success', 'logout'],
  ]);
});

test('without a registered URI the user gets a "signed out" page; nothing signed in and no hint: nothing to end', async () => {
  const { w, signedIn, logout, sessionEnded } = await setup();
  const a = await signedIn();
  const res = await logout({ id_token_hint: a.id_token }, a.jar);
  isPage(res, 200);
  expect(res.body).toContain('You are signed out');
  expect(await sessionEnded(a.claims)).toBe(true);
  const nobody = await logout({ client_id: w.web.client.clientId, post_logout_redirect_uri: BACK });
  expect(nobody.statusCode).toBe(302);
  expect(nobody.headers.Location).toBe(BACK);
});

test('an unregistered post_logout_redirect_uri is never redirected to (and nothing ends)', async () => {
  const { w, other, signedIn, logout, sessionEnded } = await setup();
  const a = await signedIn();
  const tries = [
    'https://evil.example.com/signed-out',
    `${BACK}/`,
    `${BACK}?x=1`,
    `${BACK}#frag`,
    'https://app.example.com/signed-out/../signed-out',
    'https://APP.example.com/signed-out',
    'https://app.example.com:443/signed-out',
    'https://app.example.com/bye',
    'https://app.example.com.evil.example/signed-out',
    '//evil.example.com',
    'javascript:alert(1)',
    'https://other.example.com/bye', // registered, but for another client
  ];
  for (const uri of tries) {
    const variants: Array<Record<string, string>> = [{ id_token_hint: a.id_token, post_logout_redirect_uri: uri }, { client_id: w.web.client.clientId, post_logout_redirect_uri: uri }];
    for (const params of variants) {
      const res = await logout(params, a.jar);
      isPage(res, 400);
      expect(res.body).not.toContain('evil');
    }
  }
  // A URI with no client to check it against.
  isPage(await logout({ post_logout_redirect_uri: BACK }, a.jar), 400);
  // A hint of one client with another client's id.
  isPage(await logout({ id_token_hint: a.id_token, client_id: other.client.clientId, post_logout_redirect_uri: 'https://other.example.com/bye' }, a.jar), 400);
  expect(await sessionEnded(a.claims)).toBe(false);
  const refusals = w.audit.events.filter((e) => e.event === 'session.ended').map((e) => e.reason);
  expect(new Set(refusals)).toEqual(new Set(['unregistered_post_logout_redirect_uri', 'redirect_without_client', 'hint_client_mismatch']));
});

test('hints that are not our id_tokens are refused: another issuer, a forged signature, an unknown key, an access token, garbage', async () => {
  const { w, signedIn, logout, sessionEnded } = await setup();
  const a = await signedIn();
  const claims = decodeJwt(a.id_token);
  const ours = testSigner();
  const stranger = new FileSigner(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
  const forgedWithOurKid = { alg: ours.alg, kid: ours.kid, sign: (input: Buffer) => stranger.sign(input) };
  const hints: Array<[string, string]> = [
    ['another issuer', await signJws('JWT', { ...claims, iss: 'https://evil.example.com' }, ours)],
    ['forged signature', await signJws('JWT', claims, forgedWithOurKid)],
    ['unknown key', await signJws('JWT', claims, stranger)],
    ['an access token', a.access_token],
    ['garbage', 'not.a.jwt'],
    ['alg none', `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`],
  ];
  for (const [, hint] of hints) {
    const res = await logout({ id_token_hint: hint, post_logout_redirect_uri: BACK }, a.jar);
    isPage(res, 400);
  }
  expect(await sessionEnded(a.claims)).toBe(false);
  expect(w.audit.events.filter((e) => e.event === 'session.ended').map((e) => e.reason)).toEqual([
    'hint_wrong_issuer',
    'hint_bad_signature',
    'hint_unknown_kid',
    'hint_wrong_typ',
    'hint_malformed',
    'hint_unsupported_alg',
  ]);
});

test('an expired hint of ours is accepted (RP-Initiated Logout §2), up to the session absolute timeout after its exp', async () => {
  const { w, signedIn, logout, sessionEnded } = await setup();
  const a = await signedIn();
  const exp = decodeJwt(a.id_token).exp!;
  w.clock.set((exp + 60) * 1000);
  // Keep the session alive past the id_token's life (it would otherwise have idled out).
  await w.sessions.touch(a.claims.sid as string, exp + 3600);
  const res = await logout({ id_token_hint: a.id_token, post_logout_redirect_uri: BACK }, a.jar);
  expect(res.statusCode).toBe(302);
  expect(await sessionEnded(a.claims)).toBe(true);

  const b = await signedIn();
  w.clock.set((decodeJwt(b.id_token).exp! + w.config.sessions.absoluteTimeoutSeconds + 1) * 1000);
  isPage(await logout({ id_token_hint: b.id_token, post_logout_redirect_uri: BACK }), 400);
  expect(w.audit.events.filter((e) => e.event === 'session.ended').at(-1)).toMatchObject({ outcome: 'failure', reason: 'hint_too_old' });
});

test('a hint for another user than the one signed in asks first; a hint without any cookie ends the hint\'s own session', async () => {
  const { w, signedIn, logout, sessionEnded } = await setup();
  await w.userAdmin.create({ username: 'bob', password: 'correct horse battery staple', roles: ['reader'] });
  const a = await signedIn();
  const bobJar = new CookieJar();
  const { verifier, challenge } = pkce();
  const { res } = await w.signIn(bobJar, w.query({}, challenge), 'bob');
  const bob = JSON.parse((await w.exchange(w.redirectParams(res).get('code')!, verifier)).body) as { id_token: string; access_token: string };
  // alice's hint in bob's browser: confirmation for bob's session, nothing ended yet.
  const page = await logout({ id_token_hint: a.id_token, post_logout_redirect_uri: BACK }, bobJar);
  isPage(page, 200);
  expect(page.body).toContain('<strong>bob</strong>');
  expect(await sessionEnded(decodeJwt(bob.access_token))).toBe(false);
  expect(await sessionEnded(a.claims)).toBe(false);
  // alice's RP, without the browser's cookie: alice's session ends.
  const res2 = await logout({ id_token_hint: a.id_token, post_logout_redirect_uri: BACK, state: 'k' });
  expect(res2.statusCode).toBe(302);
  expect(res2.headers.Location).toBe(`${BACK}?state=k`);
  expect(res2.cookies).toBeUndefined();
  expect(await sessionEnded(a.claims)).toBe(true);
  expect(await sessionEnded(decodeJwt(bob.access_token))).toBe(false);
});

test('methods other than GET and POST, a repeated parameter, an unreadable decision: a page, never a redirect', async () => {
  const { w, signedIn, logout, deps } = await setup();
  const a = await signedIn();
  const put = await handleLogoutRequest({ ...browserRequest('GET', '/oauth2/logout'), method: 'PUT' }, deps);
  isPage(put, 405);
  const repeated = await handleLogoutRequest(browserRequest('GET', '/oauth2/logout', { query: `post_logout_redirect_uri=${encodeURIComponent(BACK)}&post_logout_redirect_uri=x&client_id=${w.web.client.clientId}`, jar: a.jar }), deps);
  isPage(repeated, 400);
  isPage(await logout({ decision: 'maybe' }, a.jar, 'POST'), 400);
});
