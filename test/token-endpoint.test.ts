import { createLocalJWKSet, jwtVerify, decodeProtectedHeader } from 'jose';
import { handleTokenRequest } from '../lib/token-endpoint';
import { hashSecret } from '../lib/secrets';
import { ClientAdmin } from '../lib/clients/client-admin';
import { notBeforeForDisable } from '../lib/revocation/not-before';
import { hitFor } from '../lib/revocation/revocation-match';
import type { ClientRevocation } from '../lib/revocation/types';
import { basic, formRequest, tokenFixture } from './helpers/token-fixture';

async function setup(opts: Parameters<typeof tokenFixture>[0] = {}) {
  const f = await tokenFixture(opts);
  const { client, secret } = await f.admin.create({ name: 'app', scopes: ['read:data', 'write:data'], defaultScopes: ['read:data'] });
  const call = (body: string, headers: Record<string, string> = {}, extra = {}) => handleTokenRequest(formRequest(body, headers, extra), f.deps);
  return { ...f, client, secret, call };
}

const body = (res: { body: string }) => JSON.parse(res.body);

describe('POST /oauth2/token — client_credentials', () => {
  test.each(['RS256', 'ES256'] as const)('issues an RFC 9068 %s access token with client_secret_basic', async (alg) => {
    const s = await setup({ alg });
    const res = await s.call('grant_type=client_credentials&scope=read%3Adata', { Authorization: basic(s.client.clientId, s.secret) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['Cache-Control']).toBe('no-store');
    expect(res.headers.Pragma).toBe('no-cache');
    const b = body(res);
    expect(b).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'read:data' });
    expect(b.refresh_token).toBeUndefined();
    expect(decodeProtectedHeader(b.access_token)).toEqual({ alg, typ: 'at+jwt', kid: s.signer.kid });
    const jwks = createLocalJWKSet(await s.deps.keyRing.jwks());
    const { payload } = await jwtVerify(b.access_token, jwks, {
      issuer: s.config.issuer,
      audience: s.config.audience,
      typ: 'at+jwt',
      currentDate: new Date(s.clock.now()),
    });
    expect(payload).toMatchObject({ sub: s.client.clientId, client_id: s.client.clientId, scope: 'read:data' });
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(Buffer.from(String(payload.jti), 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(s.audit.events.at(-1)).toMatchObject({ event: 'token.issued', client_id: s.client.clientId, jti: payload.jti, scopes_granted: ['read:data'] });
  });

  test('client_secret_post works; omitted scope gives the default scopes', async () => {
    const s = await setup();
    const res = await s.call(`grant_type=client_credentials&client_id=${s.client.clientId}&client_secret=${s.secret}`);
    expect(res.statusCode).toBe(200);
    expect(body(res).scope).toBe('read:data');
  });

  test('several scopes, duplicates collapsed, order kept', async () => {
    const s = await setup();
    const res = await s.call('grant_type=client_credentials&scope=write%3Adata+read%3Adata+write%3Adata', { Authorization: basic(s.client.clientId, s.secret) });
    expect(body(res).scope).toBe('write:data read:data');
  });

  test('Basic credentials are form-urlencoded before base64 (RFC 6749 App. B)', async () => {
    const s = await setup();
    const id = 'svc:a b+c';
    const secret = 'p%s:w+rd é';
    await s.store.create({ ...s.client, clientId: id, secrets: [{ hash: hashSecret(secret), createdAt: 0 }] });
    const encoded = `Basic ${Buffer.from(`${encodeURIComponent(id).replace(/%20/g, '+')}:${encodeURIComponent(secret).replace(/%20/g, '+')}`).toString('base64')}`;
    const res = await s.call('grant_type=client_credentials', { Authorization: encoded });
    expect(res.statusCode).toBe(200);
    expect(body(res).access_token).toBeDefined();
    // Not encoded: the colon in the id splits in the wrong place and the bare % is malformed.
    const raw = `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
    const bad = await s.call('grant_type=client_credentials', { Authorization: raw });
    expect(bad.statusCode).toBe(400);
    expect(body(bad).error).toBe('invalid_request');
  });

  test('a base64-encoded body from API Gateway works', async () => {
    const s = await setup();
    const raw = Buffer.from('grant_type=client_credentials').toString('base64');
    const res = await s.call(raw, { Authorization: basic(s.client.clientId, s.secret) }, { isBase64Encoded: true });
    expect(res.statusCode).toBe(200);
  });

  test('unknown client and wrong secret get the same 401 invalid_client with WWW-Authenticate', async () => {
    const s = await setup();
    const a = await s.call('grant_type=client_credentials', { Authorization: basic('nobody', s.secret) });
    const b = await s.call('grant_type=client_credentials', { Authorization: basic(s.client.clientId, 'wrong') });
    for (const res of [a, b]) {
      expect(res.statusCode).toBe(401);
      expect(res.headers['WWW-Authenticate']).toMatch(/^Basic realm="portcullis"/);
      expect(res.headers['Cache-Control']).toBe('no-store');
      expect(body(res)).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed' });
    }
    expect(a.body).toBe(b.body);
    expect(s.audit.events.slice(-2).map((e) => e.reason)).toEqual(['unknown_client', 'bad_secret']);
  });

  test('no credentials at all → 401 invalid_client', async () => {
    const s = await setup();
    expect(body(await s.call('grant_type=client_credentials')).error).toBe('invalid_client');
  });

  test('both authentication methods in one request → invalid_request', async () => {
    const s = await setup();
    const res = await s.call(`grant_type=client_credentials&client_secret=${s.secret}`, { Authorization: basic(s.client.clientId, s.secret) });
    expect(res.statusCode).toBe(400);
    expect(body(res).error).toBe('invalid_request');
  });

  test.each([
    ['unknown scope', 'scope=nope', 'invalid_scope'],
    ['declared but not allowed scope', 'scope=admin%3Aall', 'invalid_scope'],
    ['scope case matters', 'scope=READ%3Adata', 'invalid_scope'],
    ['unsupported grant', 'grant_type=password', 'unsupported_grant_type'],
    ['repeated parameter', 'grant_type=client_credentials&grant_type=client_credentials', 'invalid_request'],
    ['invalid percent-encoding', 'grant_type=client_credentials&scope=%E0%A4%A', 'invalid_request'],
  ])('%s → 400 %s', async (_name, extra, error) => {
    const s = await setup();
    const params = extra.startsWith('grant_type') ? extra : `grant_type=client_credentials&${extra}`;
    const res = await s.call(params, { Authorization: basic(s.client.clientId, s.secret) });
    expect(res.statusCode).toBe(400);
    expect(body(res).error).toBe(error);
    expect(res.headers['Cache-Control']).toBe('no-store');
  });

  test('missing grant_type → invalid_request; empty parameters count as omitted', async () => {
    const s = await setup();
    expect(body(await s.call('scope=read%3Adata', { Authorization: basic(s.client.clientId, s.secret) })).error).toBe('invalid_request');
    expect(body(await s.call('grant_type=', { Authorization: basic(s.client.clientId, s.secret) })).error).toBe('invalid_request');
    const res = await s.call('grant_type=client_credentials&scope=&foo=bar', { Authorization: basic(s.client.clientId, s.secret) });
    expect(res.statusCode).toBe(200);
  });

  test('a client without the grant type → unauthorized_client', async () => {
    const s = await setup();
    await s.store.update(s.client.clientId, (c) => ({ ...c, grantTypes: [] }));
    s.deps.clients.invalidate(s.client.clientId);
    expect(body(await s.call('grant_type=client_credentials', { Authorization: basic(s.client.clientId, s.secret) })).error).toBe('unauthorized_client');
  });

  test.each([
    ['JSON body', 'application/json', '{"grant_type":"client_credentials"}'],
    ['missing content type', '', 'grant_type=client_credentials'],
    ['text/plain', 'text/plain', 'grant_type=client_credentials'],
  ])('%s → 400 invalid_request', async (_n, type, payload) => {
    const s = await setup();
    const res = await handleTokenRequest(
      { ...formRequest(payload, { Authorization: basic(s.client.clientId, s.secret) }), headers: type ? { 'content-type': type, Authorization: basic(s.client.clientId, s.secret) } : { Authorization: basic(s.client.clientId, s.secret) } },
      s.deps,
    );
    expect(res.statusCode).toBe(400);
    expect(body(res).error).toBe('invalid_request');
  });

  test('an oversized body → 400 invalid_request', async () => {
    const s = await setup();
    const res = await s.call(`grant_type=client_credentials&pad=${'a'.repeat(20_000)}`, { Authorization: basic(s.client.clientId, s.secret) });
    expect(res.statusCode).toBe(400);
    expect(body(res).error_description).toMatch(/too large/);
  });

  test('wrong method → 405 with Allow: POST', async () => {
    const s = await setup();
    const res = await s.call('', {}, { method: 'GET' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.Allow).toBe('POST');
    expect(body(res).error).toBe('invalid_request');
  });

  test('secret rotation: both secrets work during the overlap, the old one stops after retire', async () => {
    const s = await setup();
    const { secret: fresh } = await s.admin.rotateSecret(s.client.clientId);
    s.deps.clients.invalidate(s.client.clientId);
    const ok = (secret: string) => s.call('grant_type=client_credentials', { Authorization: basic(s.client.clientId, secret) }).then((r) => r.statusCode);
    expect(await ok(s.secret)).toBe(200);
    expect(await ok(fresh)).toBe(200);
    await s.admin.retireSecret(s.client.clientId);
    s.deps.clients.invalidate(s.client.clientId);
    expect(await ok(s.secret)).toBe(401);
    expect(await ok(fresh)).toBe(200);
  });

  test('rotation with an expiry: the old secret stops working at that time', async () => {
    const s = await setup();
    await s.admin.rotateSecret(s.client.clientId, 60);
    const ok = () => s.call('grant_type=client_credentials', { Authorization: basic(s.client.clientId, s.secret) }).then((r) => r.statusCode);
    s.deps.clients.invalidate(s.client.clientId);
    expect(await ok()).toBe(200);
    s.clock.advance(61_000);
    expect(await ok()).toBe(401);
  });

  test('a disabled client gets invalid_client, within the client cache bound', async () => {
    const s = await setup();
    const ok = () => s.call('grant_type=client_credentials', { Authorization: basic(s.client.clientId, s.secret) }).then((r) => r.statusCode);
    expect(await ok()).toBe(200);
    await s.admin.setStatus(s.client.clientId, 'disabled');
    s.clock.advance(s.config.clientCacheTtlMs);
    expect(await ok()).toBe(401);
    expect(s.audit.events.at(-1)).toMatchObject({ event: 'token.denied', reason: 'client_disabled' });
  });

  test('the token\'s time basis is its authentication: a disable between authentication and minting (slow key ring) still kills it', async () => {
    const s = await setup();
    const auth = { Authorization: basic(s.client.clientId, s.secret) };
    expect((await s.call('grant_type=client_credentials', auth)).statusCode).toBe(200); // the client record is now cached
    let notBefore: number | undefined;
    const admin = new ClientAdmin({
      config: s.config,
      clients: s.store,
      audit: s.audit,
      clock: s.clock,
      onDisable: async () => void (notBefore = notBeforeForDisable(s.clock, s.config.clientCacheTtlMs)),
    });
    s.clock.advance(s.config.clientCacheTtlMs - 500); // authenticated from the cached, still active record
    const authenticatedAt = Math.floor(s.clock.now() / 1000);
    const slowSigner = {
      ...s.deps.keyRing,
      activeSigner: async () => {
        s.clock.advance(500);
        await admin.setStatus(s.client.clientId, 'disabled'); // the operator disables the client meanwhile
        s.clock.advance(6_000); // the key ring is slow (a store read retried, KMS)
        return s.signer;
      },
    };
    const res = await handleTokenRequest(formRequest('grant_type=client_credentials', auth), { ...s.deps, keyRing: slowSigner });
    expect(res.statusCode).toBe(200);
    const claims = JSON.parse(Buffer.from(body(res).access_token.split('.')[1], 'base64url').toString()) as { iat: number; exp: number };
    expect(claims.iat).toBe(authenticatedAt);
    expect(claims.exp - claims.iat).toBe(3600);
    // the disable's not-before covers it: the gateway refuses it
    expect(notBefore).toBeDefined();
    const record: ClientRevocation = { kind: 'client', client_id: s.client.clientId, notBefore: notBefore!, reason: 'disabled', revokedAt: notBefore! };
    expect(hitFor(record, { jti: 'x', client_id: s.client.clientId, sub: s.client.clientId, iat: claims.iat, exp: claims.exp })?.reason).toBe('client_disabled');
  });

  test('steady state: no client store read per request within the cache bound', async () => {
    const s = await setup();
    const before = s.store.reads;
    for (let i = 0; i < 20; i++) await s.call('grant_type=client_credentials', { Authorization: basic(s.client.clientId, s.secret) });
    expect(s.store.reads - before).toBe(1);
  });

  test('store unavailable → 503 temporarily_unavailable with Retry-After, no detail', async () => {
    const s = await setup();
    s.store.failWith = new Error('connect ECONNREFUSED 127.0.0.1:8000');
    const res = await s.call('grant_type=client_credentials', { Authorization: basic(s.client.clientId, s.secret) });
    expect(res.statusCode).toBe(503);
    expect(res.headers['Retry-After']).toBeDefined();
    expect(body(res).error).toBe('temporarily_unavailable');
    expect(res.body).not.toMatch(/ECONNREFUSED/);
  });

  test('per-client token lifetime', async () => {
    const s = await setup();
    const { client, secret } = await s.admin.create({ name: 'short', scopes: ['read:data'], tokenLifetimeSeconds: 300 });
    const res = await s.call('grant_type=client_credentials', { Authorization: basic(client.clientId, secret) });
    expect(body(res).expires_in).toBe(300);
  });

  test('the audit trail never holds the secret or the token', async () => {
    const s = await setup();
    const res = await s.call('grant_type=client_credentials', { Authorization: basic(s.client.clientId, s.secret) });
    await s.call('grant_type=client_credentials', { Authorization: basic(s.client.clientId, `${s.secret}x`) });
    const trail = JSON.stringify(s.audit.events);
    expect(trail).not.toContain(s.secret);
    expect(trail).not.toContain(body(res).access_token);
  });
});
