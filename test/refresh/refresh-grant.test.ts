/**
 * grant_type=refresh_token: rotation, reuse detection (after the grace window the whole family dies, newest token
 * included; inside it the predecessor works once more), scope narrowing, roles of now, public and confidential
 * clients, another client's token, expired families, and the revocation and introspection of refresh tokens.
 */
import { handleIntrospectionRequest } from '../../lib/endpoints/introspect';
import { handleRevocationRequest } from '../../lib/endpoints/revoke';
import { tokenFacts } from '../../lib/models/revocation-match';
import { grantId } from '../../lib/refresh/grant-id';
import { hashRefreshToken, parseRefreshToken } from '../../lib/refresh/refresh-token';
import { browserRequest } from '../../testkit/people-world';
import { body, refreshWorld, type RefreshWorld } from './refresh-world';

const rt = (res: { body: string }) => String(body(res).refresh_token);
const errorOf = (res: { statusCode: number; body: string }) => ({ status: res.statusCode, error: body(res).error });

/** Whether the gateway would deny the access token now (the revocation records it reads, by the token's claims). */
async function gatewayDenies(w: RefreshWorld, res: { body: string }) {
  return (await w.revocations.findForToken(tokenFacts(w.claimsOf(res as never) as never)))?.reason;
}

test('a code exchange of a client allowed refresh_token returns a refresh token (offline_access not needed); every refresh rotates it', async () => {
  const w = await refreshWorld();
  const first = await w.signInAndExchange();
  expect(first.statusCode).toBe(200);
  const t1 = rt(first);
  expect(parseRefreshToken(t1)).toMatchObject({ sub: w.alice.sub });
  expect(t1.split('.')[3]).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256-bit secret
  const claims = w.claimsOf(first);
  expect(claims.gid).toBe(grantId(parseRefreshToken(t1)!.familyKey));
  // Only the hash is stored.
  const family = (await w.refreshFamilies.list(w.alice.sub))[0];
  expect(JSON.stringify(family)).not.toContain(t1.split('.')[3]);
  expect(family.currentHash).toBe(hashRefreshToken(t1));

  w.clock.advance(60_000);
  const second = await w.refresh(t1);
  expect(second.statusCode).toBe(200);
  expect(second.headers['Cache-Control']).toBe('no-store');
  const t2 = rt(second);
  expect(t2).not.toBe(t1);
  expect(body(second)).toMatchObject({ token_type: 'Bearer', scope: 'openid read:data', expires_in: expect.any(Number) });
  expect(w.claimsOf(second)).toMatchObject({ sub: w.alice.sub, client_id: w.app.client.clientId, gid: claims.gid, sid: claims.sid, auth_time: claims.auth_time });
  const third = await w.refresh(t2);
  expect(third.statusCode).toBe(200);
  expect((await w.refreshFamilies.get(w.alice.sub, family.familyKey))).toMatchObject({ generation: 3, currentHash: hashRefreshToken(rt(third)) });
  expect(w.audit.events.filter((e) => e.event === 'token.issued').map((e) => e.detail?.grant_type)).toEqual(['authorization_code', 'refresh_token', 'refresh_token']);

  // A client not allowed the grant gets none, and may not use it.
  const web = await w.exchange(...(await (async () => {
    const { pkce: mk } = await import('../../testkit/people-world');
    const { verifier, challenge } = mk();
    const jar = new (await import('../../testkit/people-world')).CookieJar();
    const res = (await w.signIn(jar, w.query({}, challenge))).res;
    return [w.redirectParams(res).get('code')!, verifier] as [string, string];
  })()));
  expect(web.statusCode).toBe(200);
  expect(body(web).refresh_token).toBeUndefined();
});

test('reuse after the grace window: invalid_grant, the whole family dies (its newest token too), its access tokens are denied, refresh.reused is audited', async () => {
  const w = await refreshWorld();
  const first = await w.signInAndExchange();
  const t1 = rt(first);
  const second = await w.refresh(t1);
  const t2 = rt(second);
  w.clock.advance(11_000); // past reuseGraceSeconds (10)
  const replay = await w.refresh(t1);
  expect(errorOf(replay)).toEqual({ status: 400, error: 'invalid_grant' });
  expect(body(replay).error_description).toBe('The refresh token is invalid, expired or revoked');
  // The newest token is dead too.
  expect(errorOf(await w.refresh(t2))).toEqual({ status: 400, error: 'invalid_grant' });
  expect(await gatewayDenies(w, first)).toBe('grant_revoked');
  expect(await gatewayDenies(w, second)).toBe('grant_revoked');
  const reused = w.audit.events.filter((e) => e.event === 'refresh.reused');
  expect(reused).toEqual([expect.objectContaining({ outcome: 'failure', reason: 'refresh_token_reused', client_id: w.app.client.clientId, sub: w.alice.sub, detail: expect.objectContaining({ family: w.claimsOf(first).gid, presented: 'previous', family_revoked: true }) })]);
  expect(w.audit.events.filter((e) => e.event === 'token.denied').map((e) => e.reason)).toEqual(['refresh_token_reused', 'family_revoked_reuse']);
  expect(JSON.stringify(w.audit.events)).not.toContain(t1.split('.')[3]);
});

test('an older generation presented again (not only the previous one) revokes the family', async () => {
  const w = await refreshWorld();
  const t1 = rt(await w.signInAndExchange());
  const t2 = rt(await w.refresh(t1));
  const t3 = rt(await w.refresh(t2));
  expect(errorOf(await w.refresh(t1))).toEqual({ status: 400, error: 'invalid_grant' }); // two generations back, even inside the window
  expect(errorOf(await w.refresh(t3))).toEqual({ status: 400, error: 'invalid_grant' });
  expect(w.audit.events.find((e) => e.event === 'refresh.reused')?.detail).toMatchObject({ presented: 'retired' });
});

test('inside the grace window the predecessor may be exchanged again (two tabs, a retried request): one current token at the end, the family lives', async () => {
  const w = await refreshWorld();
  const t1 = rt(await w.signInAndExchange());
  const tabA = await w.refresh(t1);
  w.clock.advance(5_000);
  const tabB = await w.refresh(t1);
  expect(tabA.statusCode).toBe(200);
  expect(tabB.statusCode).toBe(200);
  const family = (await w.refreshFamilies.list(w.alice.sub))[0];
  expect(family.currentHash).toBe(hashRefreshToken(rt(tabB)));
  expect(family.previousHash).toBe(hashRefreshToken(t1));
  // The winner goes on; the grace window did not move (t1 is still superseded since tab A's refresh).
  expect((await w.refresh(rt(tabB))).statusCode).toBe(200);
  expect(w.audit.events.some((e) => e.event === 'refresh.reused')).toBe(false);
  // Tab A's token was replaced before it was ever used: refused, but it proves no theft, so the family lives.
  w.clock.advance(20_000);
  expect(errorOf(await w.refresh(rt(tabA)))).toEqual({ status: 400, error: 'invalid_grant' });
  expect(w.audit.events.at(-1)).toMatchObject({ event: 'token.denied', reason: 'unknown_refresh_token' });
});

test('the scope may narrow, never widen; the user\'s roles of now cap it (a role removed between refreshes)', async () => {
  const w = await refreshWorld();
  await w.userAdmin.setRoles('alice', ['writer']);
  const first = await w.signInAndExchange(w.app, 'openid read:data write:data');
  expect(body(first).scope).toBe('openid read:data write:data');
  const t1 = rt(first);
  const narrowed = await w.refresh(t1, w.app, { scope: 'read:data' });
  expect(narrowed.statusCode).toBe(200);
  expect(body(narrowed).scope).toBe('read:data');
  // The family keeps its original scope: the next refresh without `scope` gets all of it back.
  const full = await w.refresh(rt(narrowed));
  expect(body(full).scope).toBe('openid read:data write:data');
  const widened = await w.refresh(rt(full), w.app, { scope: 'read:data offline_access' });
  expect(errorOf(widened)).toEqual({ status: 400, error: 'invalid_scope' });
  expect(w.audit.events.at(-1)).toMatchObject({ reason: 'scope_widened' });
  // A refused widening spends nothing: the same token still works.
  await w.userAdmin.setRoles('alice', ['reader']);
  const capped = await w.refresh(rt(full));
  expect(body(capped).scope).toBe('openid read:data');
  expect(w.claimsOf(capped).scope).toBe('openid read:data');
  await w.userAdmin.setRoles('alice', []);
  const none = await w.refresh(rt(capped), w.app, { scope: 'read:data' });
  expect(errorOf(none)).toEqual({ status: 400, error: 'invalid_grant' });
});

test('public clients: client_id only, rotation always; confidential clients may turn rotation off', async () => {
  const w = await refreshWorld();
  const first = await w.signInAndExchange(w.pub, 'read:data');
  expect(first.statusCode).toBe(200);
  const t1 = rt(first);
  const next = await w.refresh(t1, w.pub);
  expect(next.statusCode).toBe(200);
  expect(rt(next)).not.toBe(t1);
  // Rotation cannot be turned off for a public client.
  await w.clients.update(w.pub.client.clientId, (c) => ({ ...c, refreshTokens: { rotation: false } }));
  w.clock.advance(10_000); // past the client cache
  const again = await w.refresh(rt(next), w.pub);
  expect(body(again).refresh_token).toBeDefined();

  await w.clients.update(w.app.client.clientId, (c) => ({ ...c, refreshTokens: { rotation: false } }));
  const kept = rt(await w.signInAndExchange());
  const r1 = await w.refresh(kept);
  expect(r1.statusCode).toBe(200);
  expect(body(r1).refresh_token).toBeUndefined(); // RFC 6749 §6: the client keeps its token
  w.clock.advance(60_000);
  const r2 = await w.refresh(kept);
  expect(r2.statusCode).toBe(200);
  expect(w.audit.events.some((e) => e.event === 'refresh.reused')).toBe(false);
});

test('a refresh token presented by another client is refused and stays usable by its own; a bad token is invalid_grant, never a 5xx', async () => {
  const w = await refreshWorld();
  const t1 = rt(await w.signInAndExchange());
  const other = await w.refresh(t1, w.pub);
  expect(errorOf(other)).toEqual({ status: 400, error: 'invalid_grant' });
  expect(body(other).error_description).toBe('The refresh token was issued to another client');
  expect((await w.refresh(t1)).statusCode).toBe(200);
  for (const bad of ['garbage', `${t1}x`, t1.replace(/\.[^.]+$/, `.${'A'.repeat(43)}`), 'a.b.c', '']) {
    const res = await w.refresh(bad);
    expect(res.statusCode).toBe(400);
    expect(body(res).error).toBe(bad === '' ? 'invalid_request' : 'invalid_grant');
  }
  // A forged secret for a real family proves nothing: it does not revoke the family.
  expect(w.audit.events.some((e) => e.event === 'refresh.reused')).toBe(false);
});

test('expired families: the idle lifetime (7 days without a refresh) and the absolute lifetime (30 days from the sign-in)', async () => {
  const w = await refreshWorld();
  const idle = rt(await w.signInAndExchange());
  w.clock.advance(7 * 86_400_000 + 1000);
  expect(errorOf(await w.refresh(idle))).toEqual({ status: 400, error: 'invalid_grant' });
  expect(w.audit.events.at(-1)).toMatchObject({ reason: 'unknown_refresh_token' }); // past its TTL the item is absent

  let t = rt(await w.signInAndExchange());
  for (let day = 0; day < 29; day++) {
    w.clock.advance(86_400_000);
    const res = await w.refresh(t);
    expect(res.statusCode).toBe(200);
    t = rt(res);
  }
  w.clock.advance(86_400_000);
  expect(errorOf(await w.refresh(t))).toEqual({ status: 400, error: 'invalid_grant' });
});

test('per-client lifetimes only shorten the global ones', async () => {
  const w = await refreshWorld();
  await w.clients.update(w.app.client.clientId, (c) => ({ ...c, refreshTokens: { idleLifetimeSeconds: 3600, absoluteLifetimeSeconds: 400 * 86_400 } }));
  const t = rt(await w.signInAndExchange());
  const family = (await w.refreshFamilies.list(w.alice.sub))[0];
  expect(family.idleLifetimeSeconds).toBe(3600);
  expect(family.absoluteExpiresAt - family.authTime).toBe(30 * 86_400);
  w.clock.advance(3601_000);
  expect(errorOf(await w.refresh(t))).toEqual({ status: 400, error: 'invalid_grant' });
});

test('a disabled user, a password reset and a logged-out session end the family', async () => {
  const w = await refreshWorld();
  const t1 = rt(await w.signInAndExchange());
  await w.userAdmin.setPassword('alice', 'another long passphrase');
  w.clock.advance(1000);
  expect(errorOf(await w.refresh(t1))).toEqual({ status: 400, error: 'invalid_grant' });
  expect(w.audit.events.at(-1)).toMatchObject({ reason: 'sessions_ended' });

  const w2 = await refreshWorld();
  const t2 = rt(await w2.signInAndExchange());
  await w2.userAdmin.setStatus('alice', 'disabled');
  expect(errorOf(await w2.refresh(t2))).toEqual({ status: 400, error: 'invalid_grant' });
  expect((await w2.refreshFamilies.list(w2.alice.sub))[0]).toMatchObject({ revokedReason: 'subject_revoked' });

  const w3 = await refreshWorld();
  const first = await w3.signInAndExchange();
  await w3.revocations.revokeSession(String(w3.claimsOf(first).sid), { notBefore: Math.floor(w3.clock.now() / 1000), by: 'logout' });
  expect(errorOf(await w3.refresh(rt(first)))).toEqual({ status: 400, error: 'invalid_grant' });
  expect(w3.audit.events.at(-1)).toMatchObject({ reason: 'session_ended' });
});

test('a replayed code revokes its refresh-token family too', async () => {
  const w = await refreshWorld();
  const { pkce: mk, CookieJar } = await import('../../testkit/people-world');
  const { verifier, challenge } = mk();
  const res = (await w.signIn(new CookieJar(), w.query({ client_id: w.app.client.clientId }, challenge))).res;
  const code = w.redirectParams(res).get('code')!;
  const exchange = () => w.exchange(code, verifier, {}, w.app);
  const first = await exchange();
  expect((await exchange()).statusCode).toBe(400);
  expect(errorOf(await w.refresh(rt(first)))).toEqual({ status: 400, error: 'invalid_grant' });
  expect((await w.refreshFamilies.list(w.alice.sub))[0]).toMatchObject({ revokedReason: 'code_reused' });
});

describe('/oauth2/revoke and /oauth2/introspect with refresh tokens', () => {
  const deps = (w: RefreshWorld) => ({ ...w.tokenDeps, revocations: w.revocations, refreshFamilies: w.refreshFamilies });
  const post = (w: RefreshWorld, handler: typeof handleRevocationRequest, token: string, client = w.app, extra: Record<string, string> = {}) => {
    const a = w.auth(client);
    const req = browserRequest('POST', '/oauth2/x', { body: new URLSearchParams({ token, ...a.form, ...extra }).toString() });
    return handler({ ...req, headers: { ...req.headers, ...a.headers } }, deps(w));
  };

  test('introspection reports a refresh token only to its client; revoked at once after /oauth2/revoke, which also denies its access tokens', async () => {
    const w = await refreshWorld();
    const first = await w.signInAndExchange();
    const t1 = rt(first);
    const active = await post(w, handleIntrospectionRequest, t1, w.app, { token_type_hint: 'access_token' });
    expect(body(active)).toEqual({
      active: true,
      token_type: 'refresh_token',
      scope: 'openid read:data',
      client_id: w.app.client.clientId,
      sub: w.alice.sub,
      exp: expect.any(Number),
    });
    // Another confidential client, even one allowed to introspect others, learns nothing.
    const nosy = await w.clientAdmin.create({ name: 'RS', scopes: ['read:data'], canIntrospectOthers: true } as never);
    expect(body(await post(w, handleIntrospectionRequest, t1, nosy))).toEqual({ active: false });
    // Another client cannot revoke it (RFC 7009 §2.1).
    expect((await post(w, handleRevocationRequest, t1, w.pub)).statusCode).toBe(400);
    expect(body(await post(w, handleIntrospectionRequest, t1))).toMatchObject({ active: true });

    const revoked = await post(w, handleRevocationRequest, t1, w.app, { token_type_hint: 'access_token' }); // hint not trusted
    expect(revoked.statusCode).toBe(200);
    expect(body(await post(w, handleIntrospectionRequest, t1))).toEqual({ active: false });
    expect(errorOf(await w.refresh(t1))).toEqual({ status: 400, error: 'invalid_grant' });
    expect(await gatewayDenies(w, first)).toBe('grant_revoked');
    expect(w.audit.events.filter((e) => e.event === 'token.revoked').at(-1)).toMatchObject({ outcome: 'success', sub: w.alice.sub, detail: expect.objectContaining({ token_type: 'refresh_token' }) });
    // Revoking again, or garbage shaped like a refresh token: 200, nothing else happens.
    expect((await post(w, handleRevocationRequest, t1)).statusCode).toBe(200);
    expect((await post(w, handleRevocationRequest, t1.replace(/\.[^.]+$/, `.${'B'.repeat(43)}`))).statusCode).toBe(200);
  });

  test('a public client may revoke its own refresh token', async () => {
    const w = await refreshWorld();
    const t = rt(await w.signInAndExchange(w.pub, 'read:data'));
    expect((await post(w, handleRevocationRequest, t, w.pub)).statusCode).toBe(200);
    expect(errorOf(await w.refresh(t, w.pub))).toEqual({ status: 400, error: 'invalid_grant' });
  });
});
