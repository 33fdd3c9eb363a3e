/** RFC 7009 revocation and RFC 7662 introspection endpoints, over the DynamoDB revocation store (dynalite). */
import { handleIntrospectionRequest } from '../../lib/endpoints/introspect';
import { handleRevocationRequest, type PresentedTokenDeps } from '../../lib/endpoints/revoke';
import { createRevocationStore } from '../../lib/composition/revocation';
import { handleTokenRequest } from '../../lib/endpoints/token';
import { DocTable } from '../../lib/stores/dynamo/doc-table';
import { startDynalite, type TestDynamo } from '../../testkit/dynalite';
import { basic, formRequest, tokenFixture, tokenTestConfig } from '../../testkit/token-fixture';
import type { Config } from '../../lib/config/types';
import { RevokeRateLimiter, revokeRateLimitPolicy } from '../../lib/revocation/revoke-rate-limit';
import { DynamoRevokeRateLimitStore } from '../../lib/stores/dynamo/revoke-rate-limit-store';
import type { Signer } from '../../lib/keys/signer';
import type { AccessTokenClaims } from '../../lib/tokens/access-token-claims';
import { DEFAULTS } from '../../lib/config/defaults';
import type { FrozenClock } from '../../testkit/frozen-clock';
import type { RevocationStore } from '../../lib/stores/ports';

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as AccessTokenClaims;

/** A token signed by the endpoint's own key, with the claims given (to put `nbf` in it, which the token endpoint never sets). */
async function signed(signer: Signer, claims: Record<string, unknown>): Promise<string> {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${b64({ alg: signer.alg, typ: 'at+jwt', kid: signer.kid })}.${b64(claims)}`;
  return `${input}.${(await signer.sign(Buffer.from(input))).toString('base64url')}`;
}

let ddb: TestDynamo;
beforeAll(async () => {
  ddb = await startDynalite();
});
afterAll(() => ddb.close());

/** One container's per-client revoke rate limit, over the shared table. */
const rateLimiter = (f: { config: Config; clock: FrozenClock }, table: DocTable) =>
  new RevokeRateLimiter(new DynamoRevokeRateLimitStore(table), { policy: revokeRateLimitPolicy(f.config), clock: f.clock });

async function setup(env: Record<string, string> = {}) {
  const f = await tokenFixture({ env });
  const table = new DocTable(ddb.table.client, ddb.tableName, f.clock);
  const revocations = createRevocationStore(f.config, { table, clock: f.clock });
  const deps: PresentedTokenDeps = { ...f.deps, revocations, revokeRateLimit: rateLimiter(f, table) };
  const a = await f.admin.create({ name: 'a', scopes: ['read:data', 'write:data'] });
  const b = await f.admin.create({ name: 'b', scopes: ['read:data'] });
  const rs = await f.admin.create({ name: 'resource-server', scopes: ['read:data'], canIntrospectOthers: true });
  const auth = (c: { client: { clientId: string }; secret: string }) => ({ Authorization: basic(c.client.clientId, c.secret) });
  const tokenOf = async (c: typeof a) => JSON.parse((await handleTokenRequest(formRequest('grant_type=client_credentials', auth(c)), f.deps)).body).access_token as string;
  const revoke = (c: typeof a, body: string) => handleRevocationRequest(formRequest(body, auth(c)), deps);
  const introspect = async (c: typeof a, token: string) => {
    const res = await handleIntrospectionRequest(formRequest(`token=${encodeURIComponent(token)}`, auth(c)), deps);
    return { status: res.statusCode, body: JSON.parse(res.body), headers: res.headers };
  };
  return { ...f, table, deps, revocations, a, b, rs, auth, tokenOf, revoke, introspect };
}

describe('POST /oauth2/revoke', () => {
  test('revokes the caller\'s token: 200 with an empty body, introspection then says inactive', async () => {
    const s = await setup();
    const token = await s.tokenOf(s.a);
    expect((await s.introspect(s.a, token)).body.active).toBe(true);
    const res = await s.revoke(s.a, `token=${token}&token_type_hint=access_token`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    expect(res.headers['Cache-Control']).toBe('no-store');
    expect((await s.introspect(s.a, token)).body).toEqual({ active: false });
    expect(s.audit.events.find((e) => e.event === 'token.revoked' && e.outcome === 'success' && e.jti)).toBeDefined();
  });

  test('a wrong hint still finds the token; revoking twice is fine', async () => {
    const s = await setup();
    const token = await s.tokenOf(s.a);
    expect((await s.revoke(s.a, `token=${token}&token_type_hint=refresh_token`)).statusCode).toBe(200);
    expect((await s.revoke(s.a, `token=${token}`)).statusCode).toBe(200);
    expect((await s.introspect(s.a, token)).body).toEqual({ active: false });
  });

  test.each([
    ['garbage', 'not-a-token'],
    ['unknown structure', 'a.b.c'],
  ])('%s token → 200, nothing revoked', async (_n, token) => {
    const s = await setup();
    const res = await s.revoke(s.a, `token=${token}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
  });

  test('an expired token → 200', async () => {
    const s = await setup();
    const token = await s.tokenOf(s.a);
    s.clock.advance(2 * 3600 * 1000);
    expect((await s.revoke(s.a, `token=${token}`)).statusCode).toBe(200);
  });

  test('a token just past exp, still inside the authorizer\'s clock skew → 200 and revoked, so the gateway refuses it too', async () => {
    const s = await setup();
    const token = await s.tokenOf(s.a);
    const { jti, exp } = claimsOf(token);
    s.clock.set((exp + 1) * 1000);
    expect((await s.revoke(s.a, `token=${token}`)).statusCode).toBe(200);
    expect(s.audit.events.at(-1)).toMatchObject({ event: 'token.revoked', outcome: 'success', jti });
    expect(await s.revocations.findForToken(claimsOf(token))).toMatchObject({ reason: 'revoked' });
  });

  test('client B cannot revoke client A\'s token: 400 unauthorized_client, and the token stays active', async () => {
    const s = await setup();
    const token = await s.tokenOf(s.a);
    const res = await s.revoke(s.b, `token=${token}`);
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error).toBe('unauthorized_client');
    expect((await s.introspect(s.a, token)).body.active).toBe(true);
  });

  test('missing token → invalid_request; bad client → 401 invalid_client', async () => {
    const s = await setup();
    const missing = await s.revoke(s.a, 'token_type_hint=access_token');
    expect(missing.statusCode).toBe(400);
    expect(JSON.parse(missing.body).error).toBe('invalid_request');
    const bad = await handleRevocationRequest(formRequest('token=x', { Authorization: basic(s.a.client.clientId, 'wrong') }), s.deps);
    expect(bad.statusCode).toBe(401);
    expect(bad.headers['WWW-Authenticate']).toMatch(/^Basic/);
  });

  test('store unavailable → 503 with Retry-After, never a silent 200', async () => {
    const s = await setup();
    const token = await s.tokenOf(s.a);
    const failing: RevocationStore = { ...s.revocations, revokeToken: () => Promise.reject(new Error('ECONNREFUSED')) };
    const res = await handleRevocationRequest(formRequest(`token=${token}`, s.auth(s.a)), { ...s.deps, revocations: failing });
    expect(res.statusCode).toBe(503);
    expect(res.headers['Retry-After']).toBeDefined();
    expect(JSON.parse(res.body).error).toBe('temporarily_unavailable');
  });
});

describe('POST /oauth2/revoke: per-client rate limit of new revocations', () => {
  const LIMITED = { PORTCULLIS_REVOKE_RATE_LIMIT_MAX_REVOCATIONS: '3', PORTCULLIS_REVOKE_RATE_LIMIT_WINDOW_SECONDS: '10' };

  test('past the limit: 429 temporarily_unavailable with Retry-After and no-store, audited as rate_limited, and the token is not revoked', async () => {
    const s = await setup(LIMITED);
    s.clock.set(Math.ceil(s.clock.now() / 10_000) * 10_000 + 4_000); // 4 s into a window
    const tokens = await Promise.all(Array.from({ length: 4 }, () => s.tokenOf(s.a)));
    for (const t of tokens.slice(0, 3)) expect((await s.revoke(s.a, `token=${t}`)).statusCode).toBe(200);
    const res = await s.revoke(s.a, `token=${tokens[3]}`);
    expect(res.statusCode).toBe(429);
    expect(res.headers['Retry-After']).toBe('6');
    expect(res.headers['Cache-Control']).toBe('no-store');
    expect(res.headers['WWW-Authenticate']).toBeUndefined();
    expect(JSON.parse(res.body)).toEqual({ error: 'temporarily_unavailable', error_description: 'Too many revocations by this client; retry after the Retry-After delay' });
    expect(s.audit.events.at(-1)).toMatchObject({ event: 'token.revoked', outcome: 'failure', client_id: s.a.client.clientId, reason: 'rate_limited' });
    expect((await s.introspect(s.a, tokens[3])).body.active).toBe(true);
  });

  test('replays of revoked tokens do not count and still answer 200; other clients are not limited; the count holds across containers; the next window starts afresh', async () => {
    const s = await setup(LIMITED);
    s.clock.set(Math.ceil(s.clock.now() / 10_000) * 10_000);
    const tokens = await Promise.all(Array.from({ length: 4 }, () => s.tokenOf(s.a)));
    for (const t of tokens.slice(0, 3)) expect((await s.revoke(s.a, `token=${t}`)).statusCode).toBe(200);
    for (let i = 0; i < 20; i++) expect((await s.revoke(s.a, `token=${tokens[i % 3]}`)).statusCode).toBe(200);
    expect((await s.revoke(s.b, `token=${await s.tokenOf(s.b)}`)).statusCode).toBe(200);
    // another container: its own limiter, the same count
    const other = { ...s.deps, revokeRateLimit: rateLimiter(s, s.table) };
    expect((await handleRevocationRequest(formRequest(`token=${tokens[3]}`, s.auth(s.a)), other)).statusCode).toBe(429);
    expect((await s.revoke(s.a, `token=${tokens[3]}`)).statusCode).toBe(429);
    s.clock.advance(10_000);
    expect((await s.revoke(s.a, `token=${tokens[3]}`)).statusCode).toBe(200);
    expect((await s.introspect(s.a, tokens[3])).body).toEqual({ active: false });
  });

  test('the defaults and the configuration', () => {
    expect(revokeRateLimitPolicy(tokenTestConfig())).toEqual({ maxRevocations: DEFAULTS.revokeRateLimitMaxRevocations, windowSeconds: DEFAULTS.revokeRateLimitWindowSeconds });
    expect(revokeRateLimitPolicy(tokenTestConfig(LIMITED))).toEqual({ maxRevocations: 3, windowSeconds: 10 });
    expect(() => tokenTestConfig({ PORTCULLIS_REVOKE_RATE_LIMIT_MAX_REVOCATIONS: '0' })).toThrow(/PORTCULLIS_REVOKE_RATE_LIMIT_MAX_REVOCATIONS/);
    expect(() => tokenTestConfig({ PORTCULLIS_REVOKE_RATE_LIMIT_WINDOW_SECONDS: '1.5' })).toThrow(/PORTCULLIS_REVOKE_RATE_LIMIT_WINDOW_SECONDS/);
  });
});

describe('POST /oauth2/introspect', () => {
  test('active token → the RFC 7662 fields', async () => {
    const s = await setup();
    const token = await s.tokenOf(s.a);
    const { status, body, headers } = await s.introspect(s.a, token);
    expect(status).toBe(200);
    expect(headers['Cache-Control']).toBe('no-store');
    expect(body).toEqual({
      active: true,
      scope: 'read:data write:data',
      client_id: s.a.client.clientId,
      sub: s.a.client.clientId,
      aud: s.config.audience,
      iss: s.config.issuer,
      exp: expect.any(Number),
      iat: expect.any(Number),
      jti: expect.any(String),
      token_type: 'Bearer',
    });
  });

  test('another client\'s token: inactive for a plain client, active for a resource server', async () => {
    const s = await setup();
    const token = await s.tokenOf(s.a);
    expect((await s.introspect(s.b, token)).body).toEqual({ active: false });
    expect((await s.introspect(s.rs, token)).body.active).toBe(true);
  });

  test('expired, malformed, foreign-issuer and revoked-by-client tokens → exactly {"active": false}', async () => {
    const s = await setup();
    const token = await s.tokenOf(s.a);
    const [h, p, sig] = token.split('.');
    const foreign = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), iss: 'https://evil.example' })).toString('base64url')}.${sig}`;
    for (const t of ['garbage', foreign, `${token}x`]) expect((await s.introspect(s.rs, t)).body).toEqual({ active: false });
    await s.revocations.revokeClient(s.a.client.clientId, { notBefore: Math.floor(s.clock.now() / 1000), reason: 'revoked' });
    expect((await s.introspect(s.a, token)).body).toEqual({ active: false });
    const later = await s.tokenOf(s.b);
    s.clock.advance(2 * 3600 * 1000);
    expect((await s.introspect(s.b, later)).body).toEqual({ active: false });
  });

  // The server applies no clock skew to its own tokens (the skew is for the gateway's clocks): inactive from `exp` on.
  test('one second past exp (frozen clock) → exactly {"active": false}; at exp too; a second before, active', async () => {
    const s = await setup();
    const token = await s.tokenOf(s.a);
    const { exp } = claimsOf(token);
    s.clock.set((exp - 1) * 1000);
    expect((await s.introspect(s.a, token)).body.active).toBe(true);
    s.clock.set(exp * 1000);
    expect((await s.introspect(s.a, token)).body).toEqual({ active: false });
    s.clock.set((exp + 1) * 1000);
    expect((await s.introspect(s.a, token)).body).toEqual({ active: false });
    expect((await s.introspect(s.rs, token)).body).toEqual({ active: false });
    expect(s.audit.events.at(-1)).toMatchObject({ event: 'token.introspected', reason: 'inactive:expired' });
  });

  test('iat or nbf one second in the future → exactly {"active": false}', async () => {
    const s = await setup();
    const token = await s.tokenOf(s.a);
    s.clock.advance(-1000); // the token was issued one second "later" than now
    expect((await s.introspect(s.a, token)).body).toEqual({ active: false });
    expect(s.audit.events.at(-1)).toMatchObject({ reason: 'inactive:iat_in_future' });
    s.clock.advance(1000);
    expect((await s.introspect(s.a, token)).body.active).toBe(true);
    const now = Math.floor(s.clock.now() / 1000);
    const notYet = await signed(s.signer, { ...claimsOf(token), jti: 'not-yet', nbf: now + 1 });
    expect((await s.introspect(s.a, notYet)).body).toEqual({ active: false });
    expect(s.audit.events.at(-1)).toMatchObject({ reason: 'inactive:not_yet_valid' });
    s.clock.advance(1000);
    expect((await s.introspect(s.a, notYet)).body.active).toBe(true);
  });

  test('requires client authentication', async () => {
    const s = await setup();
    const token = await s.tokenOf(s.a);
    const res = await handleIntrospectionRequest(formRequest(`token=${token}`), s.deps);
    expect(res.statusCode).toBe(401);
  });
});
