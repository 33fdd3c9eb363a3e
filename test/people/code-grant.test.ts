/**
 * POST /oauth2/token with grant_type=authorization_code: PKCE, single use, every binding, public and confidential
 * clients, the user's roles and state at the exchange, and a replay that revokes the grant (every token carrying its gid).
 */
import { decodeJwt } from 'jose';
import { s256 } from '../../lib/authorization/codes';
import { handleIntrospectionRequest } from '../../lib/endpoints/introspect';
import { handleRevocationRequest } from '../../lib/endpoints/revoke';
import { tokenFacts } from '../../lib/models/revocation-match';
import { browserRequest, CookieJar, peopleWorld, pkce } from '../../testkit/people-world';

type World = Awaited<ReturnType<typeof peopleWorld>>;

/** Signs alice in and returns a fresh code and its verifier. */
async function codeFor(w: World, over: Record<string, string | undefined> = {}, jar = new CookieJar()) {
  const { verifier, challenge } = pkce();
  const q = w.query(over, challenge);
  const res = jar.cookies.size ? await w.authorize(q, jar) : (await w.signIn(jar, q)).res;
  const code = w.redirectParams(res).get('code');
  if (!code) throw new Error(`no code: ${res.statusCode} ${res.headers.Location ?? res.body.slice(0, 200)}`);
  return { code, verifier, jar };
}
const body = (res: { body: string }) => JSON.parse(res.body);

test('a code is single use: the replay is invalid_grant, audited as code.reused, and the first token is revoked', async () => {
  const w = await peopleWorld();
  const { code, verifier } = await codeFor(w);
  const first = await w.exchange(code, verifier);
  expect(first.statusCode).toBe(200);
  const claims = decodeJwt(body(first).access_token);
  const replay = await w.exchange(code, verifier);
  expect(replay.statusCode).toBe(400);
  expect(body(replay)).toEqual({ error: 'invalid_grant', error_description: 'The authorization code has already been used' });
  expect(replay.headers['Cache-Control']).toBe('no-store');
  expect(typeof claims.gid).toBe('string');
  const facts = { jti: claims.jti!, client_id: claims.client_id as string, sub: claims.sub!, iat: claims.iat!, exp: claims.exp! };
  // The whole grant is revoked (every token carrying its gid), not only this jti.
  expect(await w.revocations.findForToken(facts)).toBeUndefined();
  const hit = await w.revocations.findForToken(tokenFacts(claims as Parameters<typeof tokenFacts>[0]));
  expect(hit).toMatchObject({ reason: 'grant_revoked', record: { kind: 'grant', gid: claims.gid, by: 'code-reuse', sub: w.alice.sub } });
  const reused = w.audit.events.find((e) => e.event === 'code.reused');
  expect(reused).toMatchObject({ outcome: 'failure', reason: 'code_reused', jti: claims.jti, sub: w.alice.sub, client_id: w.web.client.clientId });
  expect(w.audit.events.filter((e) => e.event === 'token.denied').map((e) => e.reason)).toEqual(['code_reused']);
});

test.each([
  ['a wrong code_verifier', (v: string) => ({ code_verifier: `${v.slice(0, -1)}${v.endsWith('A') ? 'B' : 'A'}` }), 'invalid_grant', 'pkce_mismatch'],
  ['a mismatched redirect_uri', () => ({ redirect_uri: 'https://app.example.com/other' }), 'invalid_grant', 'redirect_uri_mismatch'],
  ['no redirect_uri', () => ({ redirect_uri: '' }), 'invalid_request', 'missing_redirect_uri'],
  ['no code_verifier', () => ({ code_verifier: '' }), 'invalid_request', 'missing_code_verifier'],
  ['a 42-character verifier', () => ({ code_verifier: 'a'.repeat(42) }), 'invalid_request', 'bad_code_verifier'],
  ['a 129-character verifier', () => ({ code_verifier: 'a'.repeat(129) }), 'invalid_request', 'bad_code_verifier'],
  ['a verifier with a character outside RFC 7636', () => ({ code_verifier: `${'a'.repeat(42)}+` }), 'invalid_request', 'bad_code_verifier'],
  ['the challenge sent as the verifier (plain PKCE)', (v: string) => ({ code_verifier: s256(v) }), 'invalid_grant', 'pkce_mismatch'],
  ['an unknown code', () => ({ code: 'x'.repeat(43) }), 'invalid_grant', 'unknown_code'],
  ['a huge code', () => ({ code: 'x'.repeat(5000) }), 'invalid_grant', 'unknown_code'],
])('%s: a clear error, and the code still works afterwards (nothing burned)', async (_name, change, error, reason) => {
  const w = await peopleWorld();
  const { code, verifier } = await codeFor(w);
  const res = await w.exchange(code, verifier, (change as (v: string) => Record<string, string>)(verifier));
  expect(res.statusCode).toBe(400);
  expect(body(res).error).toBe(error);
  expect(w.audit.events.at(-1)).toMatchObject({ event: 'token.denied', reason });
  expect((await w.exchange(code, verifier)).statusCode).toBe(200);
});

test('a code issued to one client is refused to another (which authenticated fine) and still works for its own', async () => {
  const w = await peopleWorld();
  const other = await w.clientAdmin.create({ name: 'Other', scopes: ['read:data'], redirectUris: [w.redirectUri] });
  const { code, verifier } = await codeFor(w);
  const res = await w.exchange(code, verifier, {}, other);
  expect(body(res)).toEqual({ error: 'invalid_grant', error_description: 'The authorization code was issued to another client' });
  expect((await w.exchange(code, verifier)).statusCode).toBe(200);
});

test('an expired code (60 s) is invalid_grant', async () => {
  const w = await peopleWorld();
  const { code, verifier } = await codeFor(w);
  w.clock.advance(60_000);
  const res = await w.exchange(code, verifier);
  expect(body(res)).toEqual({ error: 'invalid_grant', error_description: 'The authorization code is invalid or expired' });
  expect(w.audit.events.at(-1)).toMatchObject({ reason: 'expired_code' });
});

test('a public client exchanges with client_id and the verifier only (auth method none); a confidential one must authenticate', async () => {
  const w = await peopleWorld();
  const { client: app } = await w.clientAdmin.createPublic({ name: 'Native', scopes: ['read:data'], redirectUris: ['http://127.0.0.1/cb'] });
  const jar = new CookieJar();
  const { verifier, challenge } = pkce();
  const { res } = await w.signIn(jar, w.query({ client_id: app.clientId, redirect_uri: 'http://127.0.0.1:50123/cb', scope: 'read:data' }, challenge));
  const code = w.redirectParams(res).get('code')!;
  const form = (extra: Record<string, string>) => new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:50123/cb', code_verifier: verifier, ...extra }).toString();
  const ok = await w.token(form({ client_id: app.clientId }));
  expect(ok.statusCode).toBe(200);
  expect(decodeJwt(body(ok).access_token)).toMatchObject({ client_id: app.clientId, sub: w.alice.sub, scope: 'read:data' });
  expect(w.audit.events.find((e) => e.event === 'token.issued')?.detail).toMatchObject({ grant_type: 'authorization_code', auth_method: 'none' });

  // A confidential client's id without its secret is not a public client.
  const { code: c2, verifier: v2 } = await codeFor(w, {}, jar);
  const res2 = await w.token(new URLSearchParams({ grant_type: 'authorization_code', code: c2, redirect_uri: w.redirectUri, code_verifier: v2, client_id: w.web.client.clientId }).toString());
  expect(res2.statusCode).toBe(401);
  expect(body(res2).error).toBe('invalid_client');
  // …and a public client cannot use client_credentials.
  const cc = await w.token(new URLSearchParams({ grant_type: 'client_credentials', client_id: app.clientId }).toString());
  expect(body(cc).error).toBe('unauthorized_client');
});

test('scope = requested ∩ the client\'s ∩ the user\'s roles; roles are applied again at the exchange; OIDC scopes need no role', async () => {
  const w = await peopleWorld();
  const { code, verifier } = await codeFor(w, { scope: 'openid read:data write:data' });
  expect(body(await w.exchange(code, verifier)).scope).toBe('openid read:data'); // alice is a reader
  await w.userAdmin.setRoles('alice', ['writer']);
  const { code: c2, verifier: v2 } = await codeFor(w, { scope: 'openid read:data write:data' });
  expect(body(await w.exchange(c2, v2)).scope).toBe('openid read:data write:data');
  const { code: c3, verifier: v3 } = await codeFor(w, { scope: 'read:data write:data' });
  await w.userAdmin.setRoles('alice', ['reader']); // between the code and its exchange
  expect(body(await w.exchange(c3, v3)).scope).toBe('read:data');
  await w.userAdmin.setRoles('alice', []);
  const none = await w.authorize(w.query({ scope: 'read:data' }), new CookieJar());
  expect(none.statusCode).toBe(200); // not signed in in this jar: the form
});

test('a user disabled between the code and its exchange gets no token; their session is over and their tokens are revoked', async () => {
  const w = await peopleWorld();
  const { code, verifier, jar } = await codeFor(w);
  const { code: used, verifier: usedVerifier } = await codeFor(w, {}, jar);
  const token = decodeJwt(body(await w.exchange(used, usedVerifier)).access_token);
  w.clock.advance(1000);
  await w.userAdmin.setStatus('alice', 'disabled');
  expect(body(await w.exchange(code, verifier))).toEqual({ error: 'invalid_grant', error_description: 'The user can no longer sign in' });
  expect(await w.revocations.findForToken({ jti: token.jti!, client_id: token.client_id as string, sub: token.sub!, iat: token.iat!, exp: token.exp! })).toMatchObject({ reason: 'subject_revoked' });
  const again = await w.authorize(w.query({ prompt: 'none' }), jar);
  expect(w.redirectParams(again).get('error')).toBe('login_required');
  await w.userAdmin.setStatus('alice', 'active');
  expect(w.redirectParams(await w.authorize(w.query({ prompt: 'none' }), jar)).get('error')).toBe('login_required'); // old sessions stay over
});

test('the session behind a code must still be live at the exchange', async () => {
  const w = await peopleWorld();
  const { code, verifier } = await codeFor(w);
  w.clock.advance(1000);
  await w.userAdmin.setPassword('alice', 'a brand new password'); // ends the sessions
  expect(body(await w.exchange(code, verifier))).toEqual({ error: 'invalid_grant', error_description: 'The sign-in session has ended' });
});

test('a public client may revoke its own token with client_id alone, but not introspect', async () => {
  const w = await peopleWorld();
  const { client: app } = await w.clientAdmin.createPublic({ name: 'Native', scopes: ['read:data'], redirectUris: ['http://127.0.0.1/cb'] });
  const { verifier, challenge } = pkce();
  const { res } = await w.signIn(new CookieJar(), w.query({ client_id: app.clientId, redirect_uri: 'http://127.0.0.1:4000/cb', scope: 'read:data' }, challenge));
  const form = new URLSearchParams({ grant_type: 'authorization_code', code: w.redirectParams(res).get('code')!, redirect_uri: 'http://127.0.0.1:4000/cb', code_verifier: verifier, client_id: app.clientId });
  const token = body(await w.token(form.toString())).access_token as string;
  const presented = { config: w.config, clients: w.tokenDeps.clients, keyRing: w.tokenDeps.keyRing, revocations: w.revocations, audit: w.audit, clock: w.clock };
  const request = (path: string) => ({ ...browserRequest('POST', path, { body: new URLSearchParams({ token, client_id: app.clientId }).toString() }) });
  const introspected = await handleIntrospectionRequest(request('/oauth2/introspect'), presented);
  expect(introspected.statusCode).toBe(401);
  expect(body(introspected)).toMatchObject({ error: 'invalid_client' });
  expect((await handleRevocationRequest(request('/oauth2/revoke'), presented)).statusCode).toBe(200);
  const c = decodeJwt(token);
  expect(await w.revocations.findForToken({ jti: c.jti!, client_id: c.client_id as string, sub: c.sub!, iat: c.iat!, exp: c.exp! })).toMatchObject({ reason: 'revoked' });
});
