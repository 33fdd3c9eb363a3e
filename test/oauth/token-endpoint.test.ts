/** The token endpoint around its grants: client records cached per container, a failing store is a 503, the audit trail holds no secret. */
import { basic, responseBody, tokenEndpointWorld } from '../../testkit/token-fixture';

describe('the endpoint', () => {
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
