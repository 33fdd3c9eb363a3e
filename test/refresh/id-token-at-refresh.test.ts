/**
 * OpenID Connect Core 1.0 §12.2: a refresh whose scope keeps `openid` returns a new id_token with the iss, sub, aud,
 * auth_time and sid of the original sign-in, a new iat, no nonce, and the at_hash of the new access token; the standard
 * claims come from the user as the refresh read it. Without openid (never granted, or narrowed away) there is none.
 */
import { createHash } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { CookieJar, pkce } from '../../testkit/people-world';
import { testSigner } from '../../testkit/token-fixture';
import { body, refreshWorld, type RefreshWorld } from './refresh-world';

type Client = RefreshWorld['app'];
const atHashOf = (token: string) => createHash('sha256').update(token).digest().subarray(0, 16).toString('base64url');

/** The code flow with a nonce, as `client`: the token response's body. */
async function signInWithNonce(w: RefreshWorld, client: Client, scope: string, nonce: string) {
  const { verifier, challenge } = pkce();
  const { res } = await w.signIn(new CookieJar(), w.query({ client_id: client.client.clientId, scope, nonce }, challenge));
  const code = w.redirectParams(res).get('code');
  if (!code) throw new Error(`no code: ${res.statusCode} ${res.headers.Location ?? res.body.slice(0, 300)}`);
  const tokens = await w.exchange(code, verifier, {}, client);
  expect(tokens.statusCode).toBe(200);
  return body(tokens);
}

test('a refresh with openid returns an id_token: same iss, sub, aud, auth_time, sid; new iat; no nonce; at_hash of the new access token; audited', async () => {
  const w = await refreshWorld();
  const first = await signInWithNonce(w, w.app, 'openid read:data', 'n-0S6_WzA2Mj');
  const original = decodeJwt(String(first.id_token));
  expect(original.nonce).toBe('n-0S6_WzA2Mj');

  w.clock.advance(120_000);
  const res = await w.refresh(String(first.refresh_token));
  expect(res.statusCode).toBe(200);
  const refreshed = body(res);
  const idToken = String(refreshed.id_token);
  expect(decodeProtectedHeader(idToken)).toEqual({ alg: 'RS256', typ: 'JWT', kid: testSigner().kid });
  const jwks = createLocalJWKSet({ keys: [(await testSigner().publicJwk()) as never] });
  const { payload } = await jwtVerify(idToken, jwks, { issuer: w.config.issuer, audience: w.app.client.clientId, currentDate: new Date(w.clock.now()) });
  const now = Math.floor(w.clock.now() / 1000);
  expect(payload).toEqual({
    iss: original.iss,
    sub: original.sub,
    aud: original.aud,
    iat: now,
    exp: now + w.config.tokenLifetimeSeconds,
    auth_time: original.auth_time,
    sid: original.sid,
    at_hash: atHashOf(String(refreshed.access_token)),
  });
  expect(payload.iat).toBeGreaterThan(original.iat!);
  expect(payload.at_hash).not.toBe(original.at_hash);

  const access = decodeJwt(String(refreshed.access_token));
  const issued = w.audit.events.filter((e) => e.event === 'id_token.issued');
  expect(issued).toHaveLength(2);
  expect(issued[1]).toMatchObject({ outcome: 'success', client_id: w.app.client.clientId, sub: w.alice.sub, detail: { sid: original.sid, nonce: false, access_token_jti: access.jti } });
  expect(JSON.stringify(w.audit.events)).not.toContain(idToken.split('.')[2]);

  // The next rotation too.
  const again = await w.refresh(String(refreshed.refresh_token));
  expect(decodeJwt(String(body(again).id_token))).toMatchObject({ sub: w.alice.sub, sid: original.sid, auth_time: original.auth_time, at_hash: atHashOf(String(body(again).access_token)) });
});

test('the standard claims at refresh follow the granted scopes and the user as the refresh read them', async () => {
  const w = await refreshWorld();
  const app = await w.clientAdmin.create({ name: 'Profile app', scopes: ['openid', 'profile', 'email', 'read:data'], redirectUris: [w.redirectUri], grantTypes: ['authorization_code', 'refresh_token'] });
  await w.userAdmin.setProfile('alice', { name: 'Alice Liddell', email: 'alice@example.com', emailVerified: true });
  const first = await signInWithNonce(w, app, 'openid profile email', 'n-1');
  expect(decodeJwt(String(first.id_token))).toMatchObject({ name: 'Alice Liddell', email: 'alice@example.com' });

  await w.userAdmin.setProfile('alice', { name: 'Alice Pleasance Liddell' });
  const all = await w.refresh(String(first.refresh_token), app);
  expect(all.statusCode).toBe(200);
  expect(decodeJwt(String(body(all).id_token))).toMatchObject({ name: 'Alice Pleasance Liddell', preferred_username: 'alice', email: 'alice@example.com', email_verified: true, aud: app.client.clientId });

  // Narrowed to openid profile: no email claims.
  const narrowed = await w.refresh(String(body(all).refresh_token), app, { scope: 'openid profile' });
  expect(body(narrowed).scope).toBe('openid profile');
  const claims = decodeJwt(String(body(narrowed).id_token));
  expect(claims).toMatchObject({ name: 'Alice Pleasance Liddell', preferred_username: 'alice' });
  expect(claims).not.toHaveProperty('email');
  expect(claims).not.toHaveProperty('email_verified');
});

test('no id_token at refresh without openid: never granted, or narrowed away', async () => {
  const w = await refreshWorld();
  const plain = body(await w.signInAndExchange(w.app, 'read:data'));
  expect(plain).not.toHaveProperty('id_token');
  const refreshedPlain = await w.refresh(String(plain.refresh_token));
  expect(refreshedPlain.statusCode).toBe(200);
  expect(body(refreshedPlain)).not.toHaveProperty('id_token');

  const withOpenid = body(await w.signInAndExchange(w.app, 'openid read:data'));
  expect(typeof withOpenid.id_token).toBe('string');
  const narrowed = await w.refresh(String(withOpenid.refresh_token), w.app, { scope: 'read:data' });
  expect(narrowed.statusCode).toBe(200);
  expect(body(narrowed)).toMatchObject({ scope: 'read:data' });
  expect(body(narrowed)).not.toHaveProperty('id_token');
  // One id_token in all: the code exchange's with openid.
  expect(w.audit.events.filter((e) => e.event === 'id_token.issued')).toHaveLength(1);
});
