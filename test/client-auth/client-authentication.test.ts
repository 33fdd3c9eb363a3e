/** Client authentication at the token endpoint (RFC 6749 §2.3): client_secret_basic and client_secret_post, one method per request, rotation, disabled clients. */
import { hashSecret } from '../../lib/clients/client-secret';
import { basic, responseBody, tokenEndpointWorld } from '../../testkit/token-fixture';

describe('client authentication', () => {
  test('Basic credentials are form-urlencoded before base64 (RFC 6749 App. B)', async () => {
    const s = await tokenEndpointWorld();
    const id = 'svc:a b+c';
    const secret = 'p%s:w+rd é';
    await s.store.create({ ...s.client, clientId: id, secrets: [{ hash: hashSecret(secret), createdAt: 0 }] });
    const encoded = `Basic ${Buffer.from(`${encodeURIComponent(id).replace(/%20/g, '+')}:${encodeURIComponent(secret).replace(/%20/g, '+')}`).toString('base64')}`;
    const res = await s.call('grant_type=client_credentials', { Authorization: encoded });
    expect(res.statusCode).toBe(200);
    expect(responseBody(res).access_token).toBeDefined();
    // Not encoded: the colon in the id splits in the wrong place and the bare % is malformed.
    const raw = `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
    const bad = await s.call('grant_type=client_credentials', { Authorization: raw });
    expect(bad.statusCode).toBe(400);
    expect(responseBody(bad).error).toBe('invalid_request');
  });

  test('unknown client and wrong secret get the same 401 invalid_client with WWW-Authenticate', async () => {
    const s = await tokenEndpointWorld();
    const a = await s.call('grant_type=client_credentials', { Authorization: basic('nobody', s.secret) });
    const b = await s.call('grant_type=client_credentials', { Authorization: basic(s.client.clientId, 'wrong') });
    for (const res of [a, b]) {
      expect(res.statusCode).toBe(401);
      expect(res.headers['WWW-Authenticate']).toMatch(/^Basic realm="portcullis"/);
      expect(res.headers['Cache-Control']).toBe('no-store');
      expect(responseBody(res)).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed' });
    }
    expect(a.body).toBe(b.body);
    expect(s.audit.events.slice(-2).map((e) => e.reason)).toEqual(['unknown_client', 'bad_secret']);
  });

  test('no credentials at all → 401 invalid_client', async () => {
    const s = await tokenEndpointWorld();
    expect(responseBody(await s.call('grant_type=client_credentials')).error).toBe('invalid_client');
  });

  test('both authentication methods in one request → invalid_request', async () => {
    const s = await tokenEndpointWorld();
    const res = await s.call(`grant_type=client_credentials&client_secret=${s.secret}`, { Authorization: basic(s.client.clientId, s.secret) });
    expect(res.statusCode).toBe(400);
    expect(responseBody(res).error).toBe('invalid_request');
  });

  test('secret rotation: both secrets work during the overlap, the old one stops after retire', async () => {
    const s = await tokenEndpointWorld();
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
    const s = await tokenEndpointWorld();
    await s.admin.rotateSecret(s.client.clientId, 60);
    const ok = () => s.call('grant_type=client_credentials', { Authorization: basic(s.client.clientId, s.secret) }).then((r) => r.statusCode);
    s.deps.clients.invalidate(s.client.clientId);
    expect(await ok()).toBe(200);
    s.clock.advance(61_000);
    expect(await ok()).toBe(401);
  });

  test('a disabled client gets invalid_client, within the client cache bound', async () => {
    const s = await tokenEndpointWorld();
    const ok = () => s.call('grant_type=client_credentials', { Authorization: basic(s.client.clientId, s.secret) }).then((r) => r.statusCode);
    expect(await ok()).toBe(200);
    await s.admin.setStatus(s.client.clientId, 'disabled');
    s.clock.advance(s.config.clientCacheTtlMs);
    expect(await ok()).toBe(401);
    expect(s.audit.events.at(-1)).toMatchObject({ event: 'token.denied', reason: 'client_disabled' });
  });
});
