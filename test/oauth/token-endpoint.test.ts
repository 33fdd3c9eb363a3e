/** The token endpoint around its grants: client records cached per container, a failing store is a 503, the audit trail holds no secret. */
import { ClientAdmin } from '../../lib/clients/client-admin';
import { handleTokenRequest } from '../../lib/endpoints/token';
import { notBeforeForDisable } from '../../lib/revocation/not-before';
import { hitFor } from '../../lib/models/revocation-match';
import { basic, formRequest, responseBody, tokenEndpointWorld } from '../../testkit/token-fixture';
import type { ClientRevocation } from '../../lib/models/revocation';

describe('the endpoint', () => {
  test('the token\'s time basis is its authentication: a disable between authentication and minting (slow key ring) still kills it', async () => {
    const s = await tokenEndpointWorld();
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
    const claims = JSON.parse(Buffer.from(responseBody(res).access_token.split('.')[1], 'base64url').toString()) as { iat: number; exp: number };
    expect(claims.iat).toBe(authenticatedAt);
    expect(claims.exp - claims.iat).toBe(3600);
    // the disable's not-before covers it: the gateway refuses it
    expect(notBefore).toBeDefined();
    const record: ClientRevocation = { kind: 'client', client_id: s.client.clientId, notBefore: notBefore!, reason: 'disabled', revokedAt: notBefore! };
    expect(hitFor(record, { jti: 'x', client_id: s.client.clientId, sub: s.client.clientId, iat: claims.iat, exp: claims.exp })?.reason).toBe('client_disabled');
  });

  test('steady state: no client store read per request within the cache bound', async () => {
    const s = await tokenEndpointWorld();
    const before = s.store.reads;
    for (let i = 0; i < 20; i++) await s.call('grant_type=client_credentials', { Authorization: basic(s.client.clientId, s.secret) });
    expect(s.store.reads - before).toBe(1);
  });

  test('store unavailable → 503 temporarily_unavailable with Retry-After, no detail', async () => {
    const s = await tokenEndpointWorld();
    s.store.failWith = new Error('connect ECONNREFUSED 127.0.0.1:8000');
    const res = await s.call('grant_type=client_credentials', { Authorization: basic(s.client.clientId, s.secret) });
    expect(res.statusCode).toBe(503);
    expect(res.headers['Retry-After']).toBeDefined();
    expect(responseBody(res).error).toBe('temporarily_unavailable');
    expect(res.body).not.toMatch(/ECONNREFUSED/);
  });

  test('the audit trail never holds the secret or the token', async () => {
    const s = await tokenEndpointWorld();
    const res = await s.call('grant_type=client_credentials', { Authorization: basic(s.client.clientId, s.secret) });
    await s.call('grant_type=client_credentials', { Authorization: basic(s.client.clientId, `${s.secret}x`) });
    const trail = JSON.stringify(s.audit.events);
    expect(trail).not.toContain(s.secret);
    expect(trail).not.toContain(responseBody(res).access_token);
  });
});
