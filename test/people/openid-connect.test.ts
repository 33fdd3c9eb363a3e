/**
 * OpenID Connect id_tokens at the code exchange: the claims (nonce echoed, sid, auth_time, at_hash, the standard claims
 * by scope), the signature with the same keys, `typ: JWT` and `aud` = the client, the audit event, and that an
 * id_token never passes the API authorizer or any access-token verifier. Plus the users CLI's profile claims.
 */
import { createHash } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { TokenVerifier } from '../../lib/authorizer/token-verifier';
import { signJws } from '../../lib/jose/sign';
import { describeUser } from '../../lib/users/user-admin';
import { verifyOwnToken } from '../../lib/tokens/verify-own';
import { CookieJar, peopleWorld, pkce } from '../../testkit/people-world';
import { testSigner } from '../../testkit/token-fixture';

type World = Awaited<ReturnType<typeof peopleWorld>>;
const body = (res: { body: string }) => JSON.parse(res.body);

/** Signs alice in with the query's parameters and exchanges the code; the token response. */
async function tokensFor(w: World, over: Record<string, string | undefined> = {}, client = w.web) {
  const { verifier, challenge } = pkce();
  const jar = new CookieJar();
  const { res } = await w.signIn(jar, w.query({ client_id: client.client.clientId, ...over }, challenge));
  const code = w.redirectParams(res).get('code');
  if (!code) throw new Error(`no code: ${res.statusCode} ${res.headers.Location ?? res.body.slice(0, 300)}`);
  const tokens = await w.exchange(code, verifier, {}, client);
  expect(tokens.statusCode).toBe(200);
  return { ...body(tokens), jar };
}

async function profileClient(w: World) {
  return w.clientAdmin.create({ name: 'Profile app', scopes: ['openid', 'profile', 'email', 'read:data'], redirectUris: [w.redirectUri] });
}

test('the openid scope gets an id_token: iss, sub, aud = the client, exp, iat, auth_time, the nonce echoed, sid, at_hash; typ JWT, signed with our key', async () => {
  const w = await peopleWorld();
  const t = await tokensFor(w, { nonce: 'n-0S6_WzA2Mj' });
  expect(typeof t.id_token).toBe('string');
  const header = decodeProtectedHeader(t.id_token);
  const signer = testSigner();
  expect(header).toEqual({ alg: 'RS256', typ: 'JWT', kid: signer.kid });
  // The library verifies the signature with our published key, the issuer and the audience.
  const jwks = createLocalJWKSet({ keys: [(await signer.publicJwk()) as never] });
  const { payload } = await jwtVerify(t.id_token, jwks, { issuer: w.config.issuer, audience: w.web.client.clientId, currentDate: new Date(w.clock.now()) });
  const access = decodeJwt(t.access_token);
  const now = Math.floor(w.clock.now() / 1000);
  expect(payload).toEqual({
    iss: 'https://auth.example.test',
    sub: w.alice.sub,
    aud: w.web.client.clientId,
    iat: now,
    exp: now + w.config.tokenLifetimeSeconds,
    auth_time: now,
    nonce: 'n-0S6_WzA2Mj',
    sid: access.sid,
    at_hash: createHash('sha256').update(t.access_token).digest().subarray(0, 16).toString('base64url'),
  });
  expect(t.scope).toBe('openid read:data');
  const issued = w.audit.events.filter((e) => e.event === 'id_token.issued');
  expect(issued).toEqual([expect.objectContaining({ outcome: 'success', client_id: w.web.client.clientId, sub: w.alice.sub, detail: expect.objectContaining({ sid: access.sid, nonce: true, access_token_jti: access.jti }) })]);
  // Never the token or the nonce in the trail.
  expect(JSON.stringify(w.audit.events)).not.toContain(t.id_token.split('.')[2]);
  expect(JSON.stringify(w.audit.events)).not.toContain('n-0S6_WzA2Mj');
});

test('without a nonce in the request the id_token has none; without openid there is no id_token at all', async () => {
  const w = await peopleWorld();
  const withoutNonce = await tokensFor(w);
  expect(decodeJwt(withoutNonce.id_token)).not.toHaveProperty('nonce');
  const noOpenid = await tokensFor(w, { scope: 'read:data', nonce: 'abc' });
  expect(noOpenid).not.toHaveProperty('id_token');
  expect(w.audit.events.filter((e) => e.event === 'id_token.issued')).toHaveLength(1);
});

test('the standard claims follow the scopes: profile → name, preferred_username; email → email, email_verified', async () => {
  const w = await peopleWorld();
  const app = await profileClient(w);
  await w.userAdmin.setProfile('alice', { name: 'Alice Liddell', email: 'alice@example.com', emailVerified: true });
  const all = decodeJwt((await tokensFor(w, { scope: 'openid profile email' }, app)).id_token);
  expect(all).toMatchObject({ name: 'Alice Liddell', preferred_username: 'alice', email: 'alice@example.com', email_verified: true, aud: app.client.clientId });
  const profileOnly = decodeJwt((await tokensFor(w, { scope: 'openid profile' }, app)).id_token);
  expect(profileOnly).toMatchObject({ name: 'Alice Liddell', preferred_username: 'alice' });
  expect(profileOnly).not.toHaveProperty('email');
  const none = decodeJwt((await tokensFor(w, { scope: 'openid' }, app)).id_token);
  for (const claim of ['name', 'preferred_username', 'email', 'email_verified']) expect(none).not.toHaveProperty(claim);
});

test('an id_token never passes as an access token: the authorizer refuses its typ, and its audience is the client', async () => {
  const w = await peopleWorld();
  const t = await tokensFor(w);
  const signer = testSigner();
  const verifier = new TokenVerifier(
    { issuer: w.config.issuer, audience: w.config.audience, jwksUri: w.config.jwksUri, clockSkewSeconds: 30, jwksRefetchMinIntervalMs: 10_000, jwksFetchTimeoutMs: 100, jwksMaxAgeMs: 3_600_000, jwksMaxStalenessMs: 7_200_000 },
    { clock: w.clock, jwks: { keys: [await signer.publicJwk()] } },
  );
  // The access token of the same response passes (the check can fail), the id_token does not.
  expect(await verifier.verify(t.access_token)).toMatchObject({ ok: true });
  expect(await verifier.verify(t.id_token)).toEqual({ ok: false, reason: 'wrong_typ' });
  // Even relabelled at+jwt by someone holding our key, its audience (the client) is not the API's.
  const relabelled = await signJws('at+jwt', { ...decodeJwt(t.id_token), client_id: w.web.client.clientId, scope: 'read:data', jti: 'x'.repeat(22) }, signer);
  expect(await verifier.verify(relabelled)).toEqual({ ok: false, reason: 'wrong_audience' });
  // Revocation and introspection (verifyOwnToken) refuse it too.
  expect(await verifyOwnToken(t.id_token, { config: w.config, keyRing: w.tokenDeps.keyRing, clock: w.clock, clockSkewSeconds: 0 })).toEqual({ reason: 'wrong_typ' });
});

test('users set-profile: name and email (a new address is unverified), --email-verified, removal with ""; audited', async () => {
  const w = await peopleWorld();
  let u = await w.userAdmin.setProfile('alice', { name: 'Alice', email: 'a@example.com' });
  expect(describeUser(u)).toMatchObject({ name: 'Alice', email: 'a@example.com', email_verified: false });
  u = await w.userAdmin.setProfile('alice', { emailVerified: true });
  expect(describeUser(u)).toMatchObject({ email_verified: true });
  u = await w.userAdmin.setProfile('alice', { email: 'b@example.com' });
  expect(describeUser(u)).toMatchObject({ email: 'b@example.com', email_verified: false });
  u = await w.userAdmin.setProfile('alice', { name: '', email: '' });
  expect(describeUser(u)).toMatchObject({ name: null, email: null, email_verified: null });
  await expect(w.userAdmin.setProfile('alice', { emailVerified: true })).rejects.toThrow('--email-verified needs an email address');
  await expect(w.userAdmin.setProfile('alice', { email: 'not-an-address' })).rejects.toThrow('--email must be an email address');
  await expect(w.userAdmin.setProfile('alice', {})).rejects.toThrow('users set-profile needs');
  const created = await w.userAdmin.create({ username: 'bob', password: 'correct horse battery staple', roles: [], email: 'bob@example.com', emailVerified: true, name: 'Bob' });
  expect(describeUser(created)).toMatchObject({ email: 'bob@example.com', email_verified: true, name: 'Bob' });
  const changes = w.audit.events.filter((e) => e.event === 'user.changed').map((e) => e.detail);
  expect(changes).toEqual([
    { change: 'profile', fields: 'email name' },
    { change: 'profile', fields: 'email_verified' },
    { change: 'profile', fields: 'email' },
    { change: 'profile', fields: 'email name' },
  ]);
});
