/**
 * GET|POST /oauth2/userinfo: the user's claims by the access token's scopes, and the RFC 6750 answers (status,
 * error, WWW-Authenticate: Bearer) for every way a request can be wrong, each audited as userinfo.requested.
 */
import { decodeJwt } from 'jose';
import { handleUserinfoRequest, type UserinfoDeps } from '../../lib/endpoints/userinfo';
import { browserRequest, CookieJar, peopleWorld, pkce } from '../../testkit/people-world';

type World = Awaited<ReturnType<typeof peopleWorld>>;

async function setup() {
  const w = await peopleWorld();
  const app = await w.clientAdmin.create({ name: 'Profile app', scopes: ['openid', 'profile', 'email', 'read:data'], redirectUris: [w.redirectUri] });
  await w.userAdmin.setProfile('alice', { name: 'Alice Liddell', email: 'alice@example.com', emailVerified: true });
  const deps: UserinfoDeps = { config: w.config, keyRing: w.tokenDeps.keyRing, revocations: w.revocations, users: w.users, audit: w.audit, clock: w.clock };
  async function tokens(scope: string, client = app) {
    const { verifier, challenge } = pkce();
    const { res } = await w.signIn(new CookieJar(), w.query({ client_id: client.client.clientId, scope }, challenge));
    const code = w.redirectParams(res).get('code')!;
    return JSON.parse((await w.exchange(code, verifier, {}, client)).body) as { access_token: string; id_token?: string };
  }
  const userinfo = (opts: { method?: 'GET' | 'POST'; token?: string; header?: string; body?: string; query?: string } = {}) => {
    const req = browserRequest(opts.method ?? 'GET', '/oauth2/userinfo', { query: opts.query, body: opts.body });
    const headers: Record<string, string> = { ...(req.headers as Record<string, string>) };
    if (opts.header !== undefined) headers.Authorization = opts.header;
    else if (opts.token !== undefined) headers.Authorization = `Bearer ${opts.token}`;
    if (opts.method !== 'POST') delete headers['Content-Type'];
    return handleUserinfoRequest({ ...req, headers }, deps);
  };
  return { w, app, deps, tokens, userinfo };
}

const events = (w: World) => w.audit.events.filter((e) => e.event === 'userinfo.requested').map((e) => [e.outcome, e.reason ?? null]);

test('GET with a Bearer token with openid: the claims of its scopes, never cached; audited', async () => {
  const { w, tokens, userinfo } = await setup();
  const t = await tokens('openid profile email');
  const res = await userinfo({ token: t.access_token });
  expect(res.statusCode).toBe(200);
  expect(res.headers['Cache-Control']).toBe('no-store');
  expect(JSON.parse(res.body)).toEqual({ sub: w.alice.sub, name: 'Alice Liddell', preferred_username: 'alice', email: 'alice@example.com', email_verified: true });
  const only = await userinfo({ token: (await tokens('openid')).access_token });
  expect(JSON.parse(only.body)).toEqual({ sub: w.alice.sub });
  expect(events(w)).toEqual([['success', null], ['success', null]]);
  expect(w.audit.events.find((e) => e.event === 'userinfo.requested')).toMatchObject({ sub: w.alice.sub, jti: decodeJwt(t.access_token).jti });
});

test('POST: the token in the header or as the access_token form field; both at once is invalid_request', async () => {
  const { w, tokens, userinfo } = await setup();
  const t = await tokens('openid profile');
  expect((await userinfo({ method: 'POST', token: t.access_token, body: '' })).statusCode).toBe(200);
  const form = await userinfo({ method: 'POST', body: `access_token=${t.access_token}` });
  expect(form.statusCode).toBe(200);
  expect(JSON.parse(form.body)).toMatchObject({ sub: w.alice.sub, preferred_username: 'alice' });
  const both = await userinfo({ method: 'POST', token: t.access_token, body: `access_token=${t.access_token}` });
  expect(both.statusCode).toBe(400);
  expect(JSON.parse(both.body)).toMatchObject({ error: 'invalid_request' });
  expect(both.headers['WWW-Authenticate']).toMatch(/^Bearer realm="https:\/\/auth\.example\.test", error="invalid_request"/);
});

test('401 invalid_token with WWW-Authenticate: Bearer for a missing, foreign, expired, revoked token, an id_token, or a disabled user', async () => {
  const { w, tokens, userinfo } = await setup();
  const expectInvalid = async (res: Awaited<ReturnType<typeof userinfo>>) => {
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_token' });
    expect(res.headers['WWW-Authenticate']).toMatch(/^Bearer realm="[^"]+", error="invalid_token", error_description="[^"]+"$/);
    expect(res.headers['Cache-Control']).toBe('no-store');
  };
  await expectInvalid(await userinfo());
  await expectInvalid(await userinfo({ header: 'Basic YWxpY2U6c2VjcmV0' }));
  await expectInvalid(await userinfo({ token: 'eyJhbGciOiJub25lIn0.e30.' }));
  const t = await tokens('openid profile');
  await expectInvalid(await userinfo({ token: t.id_token! }));
  // Revoked by session (logout), then a fresh token of a disabled user, then an expired one.
  const sid = decodeJwt(t.access_token).sid as string;
  expect((await userinfo({ token: t.access_token })).statusCode).toBe(200);
  await w.revocations.revokeSession(sid, { notBefore: Math.floor(w.clock.now() / 1000), sub: w.alice.sub, by: 'logout' });
  await expectInvalid(await userinfo({ token: t.access_token }));
  const t2 = await tokens('openid');
  w.clock.advance(1000);
  await w.users.update(w.alice.sub, (u) => ({ ...u, status: 'disabled' }));
  await expectInvalid(await userinfo({ token: t2.access_token }));
  await w.users.update(w.alice.sub, (u) => ({ ...u, status: 'active' }));
  expect((await userinfo({ token: t2.access_token })).statusCode).toBe(200);
  w.clock.advance((w.config.tokenLifetimeSeconds + w.config.clockSkewSeconds) * 1000);
  await expectInvalid(await userinfo({ token: t2.access_token }));
  expect(events(w)).toEqual([
    ['failure', 'missing'],
    ['failure', 'missing'],
    ['failure', 'unsupported_alg'],
    ['failure', 'wrong_typ'],
    ['success', null],
    ['failure', 'session_ended'],
    ['failure', 'user_disabled'],
    ['success', null],
    ['failure', 'expired'],
  ]);
});

test('403 insufficient_scope for a valid token without openid; 400 for a token in the query or a malformed header; 405 for other methods', async () => {
  const { w, tokens, userinfo } = await setup();
  const t = await tokens('read:data');
  const res = await userinfo({ token: t.access_token });
  expect(res.statusCode).toBe(403);
  expect(JSON.parse(res.body)).toMatchObject({ error: 'insufficient_scope' });
  expect(res.headers['WWW-Authenticate']).toMatch(/error="insufficient_scope".*scope="openid"$/);
  const inQuery = await userinfo({ query: `access_token=${t.access_token}` });
  expect(inQuery.statusCode).toBe(400);
  expect(JSON.parse(inQuery.body)).toMatchObject({ error: 'invalid_request' });
  const malformed = await userinfo({ header: 'Bearer' });
  expect(malformed.statusCode).toBe(400);
  expect(malformed.headers['WWW-Authenticate']).toContain('error="invalid_request"');
  const put = await handleUserinfoRequest({ ...browserRequest('GET', '/oauth2/userinfo'), method: 'PUT' }, { config: w.config, keyRing: w.tokenDeps.keyRing, revocations: w.revocations, users: w.users, audit: w.audit, clock: w.clock });
  expect(put.statusCode).toBe(405);
  expect(put.headers.Allow).toBe('GET, POST');
  expect(events(w)).toEqual([
    ['failure', 'insufficient_scope'],
    ['failure', 'token_in_query'],
    ['failure', 'malformed'],
    ['failure', 'method_not_allowed'],
  ]);
});
