/** The OAuth endpoints' form requests (RFC 6749 §3.2, App. B): POST only, form content type, size cap, base64 bodies, empty and repeated parameters. */
import { handleTokenRequest } from '../../lib/endpoints/token';
import { basic, formRequest, responseBody, tokenEndpointWorld } from '../../testkit/token-fixture';

describe('form requests', () => {
  test('a base64-encoded body from API Gateway works', async () => {
    const s = await tokenEndpointWorld();
    const raw = Buffer.from('grant_type=client_credentials').toString('base64');
    const res = await s.call(raw, { Authorization: basic(s.client.clientId, s.secret) }, { isBase64Encoded: true });
    expect(res.statusCode).toBe(200);
  });

  test('missing grant_type → invalid_request; empty parameters count as omitted', async () => {
    const s = await tokenEndpointWorld();
    expect(responseBody(await s.call('scope=read%3Adata', { Authorization: basic(s.client.clientId, s.secret) })).error).toBe('invalid_request');
    expect(responseBody(await s.call('grant_type=', { Authorization: basic(s.client.clientId, s.secret) })).error).toBe('invalid_request');
    const res = await s.call('grant_type=client_credentials&scope=&foo=bar', { Authorization: basic(s.client.clientId, s.secret) });
    expect(res.statusCode).toBe(200);
  });

  test.each([
    ['JSON body', 'application/json', '{"grant_type":"client_credentials"}'],
    ['missing content type', '', 'grant_type=client_credentials'],
    ['text/plain', 'text/plain', 'grant_type=client_credentials'],
  ])('%s → 400 invalid_request', async (_n, type, payload) => {
    const s = await tokenEndpointWorld();
    const res = await handleTokenRequest(
      { ...formRequest(payload, { Authorization: basic(s.client.clientId, s.secret) }), headers: type ? { 'content-type': type, Authorization: basic(s.client.clientId, s.secret) } : { Authorization: basic(s.client.clientId, s.secret) } },
      s.deps,
    );
    expect(res.statusCode).toBe(400);
    expect(responseBody(res).error).toBe('invalid_request');
  });

  test('an oversized body → 400 invalid_request', async () => {
    const s = await tokenEndpointWorld();
    const res = await s.call(`grant_type=client_credentials&pad=${'a'.repeat(20_000)}`, { Authorization: basic(s.client.clientId, s.secret) });
    expect(res.statusCode).toBe(400);
    expect(responseBody(res).error_description).toMatch(/too large/);
  });

  test('wrong method → 405 with Allow: POST', async () => {
    const s = await tokenEndpointWorld();
    const res = await s.call('', {}, { method: 'GET' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.Allow).toBe('POST');
    expect(responseBody(res).error).toBe('invalid_request');
  });
});
