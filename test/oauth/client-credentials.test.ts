/** POST /oauth2/token, grant_type=client_credentials (RFC 6749 §4.4): the RFC 9068 token, scopes, the grant's errors. */
import { createLocalJWKSet, jwtVerify, decodeProtectedHeader } from 'jose';
import { basic, responseBody, tokenEndpointWorld } from '../../testkit/token-fixture';

describe('client_credentials', () => {
  test.each(['RS256', 'ES256'] as const)('issues an RFC 9068 %s access token with client_secret_basic', async (alg) => {
    const s = await tokenEndpointWorld({ alg });
    const res = await s.call('grant_type=client_credentials&scope=read%3Adata', { Authorization: basic(s.client.clientId, s.secret) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['Cache-Control']).toBe('no-store');
    expect(res.headers.Pragma).toBe('no-cache');
    const b = responseBody(res);
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
    const s = await tokenEndpointWorld();
    const res = await s.call(`grant_type=client_credentials&client_id=${s.client.clientId}&client_secret=${s.secret}`);
    expect(res.statusCode).toBe(200);
    expect(responseBody(res).scope).toBe('read:data');
  });

  test('several scopes, duplicates collapsed, order kept', async () => {
    const s = await tokenEndpointWorld();
    const res = await s.call('grant_type=client_credentials&scope=write%3Adata+read%3Adata+write%3Adata', { Authorization: basic(s.client.clientId, s.secret) });
    expect(responseBody(res).scope).toBe('write:data read:data');
  });

  test.each([
    ['unknown scope', 'scope=nope', 'invalid_scope'],
    ['declared but not allowed scope', 'scope=admin%3Aall', 'invalid_scope'],
    ['scope case matters', 'scope=READ%3Adata', 'invalid_scope'],
    ['unsupported grant', 'grant_type=password', 'unsupported_grant_type'],
    ['repeated parameter', 'grant_type=client_credentials&grant_type=client_credentials', 'invalid_request'],
    ['invalid percent-encoding', 'grant_type=client_credentials&scope=%E0%A4%A', 'invalid_request'],
  ])('%s → 400 %s', async (_name, extra, error) => {
    const s = await tokenEndpointWorld();
    const params = extra.startsWith('grant_type') ? extra : `grant_type=client_credentials&${extra}`;
    const res = await s.call(params, { Authorization: basic(s.client.clientId, s.secret) });
    expect(res.statusCode).toBe(400);
    expect(responseBody(res).error).toBe(error);
    expect(res.headers['Cache-Control']).toBe('no-store');
  });

  test('a client without the grant type → unauthorized_client', async () => {
    const s = await tokenEndpointWorld();
    await s.store.update(s.client.clientId, (c) => ({ ...c, grantTypes: [] }));
    s.deps.clients.invalidate(s.client.clientId);
    expect(responseBody(await s.call('grant_type=client_credentials', { Authorization: basic(s.client.clientId, s.secret) })).error).toBe('unauthorized_client');
  });

  test('per-client token lifetime', async () => {
    const s = await tokenEndpointWorld();
    const { client, secret } = await s.admin.create({ name: 'short', scopes: ['read:data'], tokenLifetimeSeconds: 300 });
    const res = await s.call('grant_type=client_credentials', { Authorization: basic(client.clientId, secret) });
    expect(responseBody(res).expires_in).toBe(300);
  });
});
