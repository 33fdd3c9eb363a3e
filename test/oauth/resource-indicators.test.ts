/**
 * RFC 8707 resource indicators: `resource=` at the token endpoint (declared, the default audience, undeclared,
 * malformed), scope trimming to the resource's scopes, revocation and introspection of such tokens, and an
 * authorizer per API: a token for one API is refused by the other's (the end-to-end version is test/e2e/resources).
 */
import { Authorizer } from '../../lib/authorizer/decide';
import { ConfigError } from '../../lib/config/env-values';
import { handleIntrospectionRequest } from '../../lib/endpoints/introspect';
import { handleRevocationRequest } from '../../lib/endpoints/revoke';
import { resolveResource, scopesForTarget } from '../../lib/oauth/resources';
import { DEMO_ROUTES, DEMO_SCOPES } from '../../testkit/authorizer-fixtures';
import { FrozenClock } from '../../testkit/frozen-clock';
import { MemoryAuditSink } from '../../testkit/memory-audit-sink';
import { MemoryRevocationStore } from '../../testkit/memory/revocation-store';
import { basic, formRequest, responseBody, tokenEndpointWorld, tokenTestConfig } from '../../testkit/token-fixture';
import { decodeJwt } from 'jose';

const REPORTS = 'https://reports.example.test';
const BILLING = 'urn:example:billing';
const ENV = {
  PORTCULLIS_SCOPES: JSON.stringify({ ...DEMO_SCOPES, 'read:reports': 'Read reports' }),
  PORTCULLIS_ROUTES: JSON.stringify({ ...DEMO_ROUTES, 'GET /demo/reports': 'read:reports' }),
  PORTCULLIS_RESOURCES: JSON.stringify({ [REPORTS]: 'read:reports', [BILLING]: ['read:data', 'write:data'] }),
};

async function world() {
  const s = await tokenEndpointWorld({ env: ENV });
  s.clock.set(Math.floor(Date.now() / 1000) * 1000); // the authorizer's aws-jwt-verify checks exp against the real time too
  const { client, secret } = await s.admin.create({ name: 'multi', scopes: ['read:data', 'write:data', 'read:reports'], defaultScopes: ['read:data', 'read:reports'] });
  const token = (body: string) => s.call(`grant_type=client_credentials&${body}`, { Authorization: basic(client.clientId, secret) });
  return { ...s, client, secret, token };
}

describe('the token endpoint', () => {
  test('a declared resource: aud is the resource, the scope trimmed to its scopes (and said so in the answer)', async () => {
    const w = await world();
    const res = await w.token(`resource=${encodeURIComponent(REPORTS)}&scope=read%3Adata+read%3Areports`);
    expect(res.statusCode).toBe(200);
    const body = responseBody(res);
    expect(body.scope).toBe('read:reports');
    expect(decodeJwt(body.access_token)).toMatchObject({ aud: REPORTS, scope: 'read:reports' });
    expect(w.audit.events.at(-1)).toMatchObject({ event: 'token.issued', scopes_requested: ['read:data', 'read:reports'], scopes_granted: ['read:reports'], detail: { resource: REPORTS } });
  });

  test('without scope: the client\'s default scopes, trimmed to the resource\'s; a URN identifier works', async () => {
    const w = await world();
    expect(responseBody(await w.token(`resource=${encodeURIComponent(REPORTS)}`)).scope).toBe('read:reports');
    const billing = responseBody(await w.token(`resource=${encodeURIComponent(BILLING)}&scope=write%3Adata+read%3Areports`));
    expect(billing.scope).toBe('write:data');
    expect(decodeJwt(billing.access_token).aud).toBe(BILLING);
  });

  test('no resource, or the default audience named: as before (the default audience, every requested scope)', async () => {
    const w = await world();
    for (const extra of ['', `&resource=${encodeURIComponent(w.config.audience)}`]) {
      const body = responseBody(await w.token(`scope=read%3Adata+read%3Areports${extra}`));
      expect(body.scope).toBe('read:data read:reports');
      expect(decodeJwt(body.access_token).aud).toBe(w.config.audience);
    }
  });

  test.each([
    ['an undeclared API', 'https://other.example.test'],
    ['a declared one with a trailing slash (exact comparison)', `${REPORTS}/`],
    ['a relative reference', '/reports'],
    ['a fragment', `${REPORTS}#x`],
    ['not a URI', 'reports'],
  ])('%s → 400 invalid_target, no token', async (_name, resource) => {
    const w = await world();
    const res = await w.token(`resource=${encodeURIComponent(resource)}`);
    expect({ status: res.statusCode, body: responseBody(res), cache: res.headers['Cache-Control'] }).toEqual({
      status: 400,
      body: { error: 'invalid_target', error_description: 'The resource is not an API this server issues tokens for' },
      cache: 'no-store',
    });
    expect(w.audit.events.at(-1)).toMatchObject({ event: 'token.denied', reason: 'undeclared_resource', detail: { error: 'invalid_target' } });
  });

  test('trimming never hides a scope the client may not have, and an empty result is invalid_scope', async () => {
    const w = await world();
    const notAllowed = await w.token(`resource=${encodeURIComponent(REPORTS)}&scope=admin%3Aall+read%3Areports`);
    expect(responseBody(notAllowed).error).toBe('invalid_scope');
    const none = await w.token(`resource=${encodeURIComponent(REPORTS)}&scope=read%3Adata`);
    expect(responseBody(none)).toEqual({ error: 'invalid_scope', error_description: 'None of the requested scopes belongs to the requested resource' });
    expect(w.audit.events.at(-1)?.reason).toBe('no_scope_for_resource');
  });

  test('one resource per request: a repeated resource parameter is invalid_request', async () => {
    const w = await world();
    const res = await w.token(`resource=${encodeURIComponent(REPORTS)}&resource=${encodeURIComponent(BILLING)}`);
    expect(responseBody(res).error).toBe('invalid_request');
  });
});

test('revoke and introspect know tokens of every audience this server issues for', async () => {
  const w = await world();
  const token = responseBody(await w.token(`resource=${encodeURIComponent(REPORTS)}`)).access_token as string;
  const deps = { ...w.deps, revocations: new MemoryRevocationStore({ clockSkewSeconds: 30, maxTokenLifetimeSeconds: 86_400 }, w.clock) };
  const auth = { Authorization: basic(w.client.clientId, w.secret) };
  expect(responseBody(await handleIntrospectionRequest(formRequest(`token=${token}`, auth), deps))).toMatchObject({ active: true, aud: REPORTS, scope: 'read:reports' });
  expect((await handleRevocationRequest(formRequest(`token=${token}`, auth), deps)).statusCode).toBe(200);
  expect(w.audit.events.at(-1)).toMatchObject({ event: 'token.revoked', outcome: 'success', jti: decodeJwt(token).jti });
  expect(responseBody(await handleIntrospectionRequest(formRequest(`token=${token}`, auth), deps))).toEqual({ active: false });
});

test('each authorizer requires the audience of the API it protects: a token for one API fails at the other', async () => {
  const w = await world();
  const forDefault = responseBody(await w.token('scope=read%3Adata+read%3Areports')).access_token as string;
  const forReports = responseBody(await w.token(`resource=${encodeURIComponent(REPORTS)}`)).access_token as string;
  const jwks = await w.deps.keyRing.jwks();
  const authorizer = (audience?: string) => {
    const audit = new MemoryAuditSink();
    const config = tokenTestConfig({ ...ENV, ...(audience ? { PORTCULLIS_AUTHORIZER_AUDIENCE: audience } : {}) });
    const a = new Authorizer(config, { audit, revocation: { check: () => null }, clock: new FrozenClock(w.clock.now()), jwks, log: () => {} });
    const decide = async (token: string, path: string) => {
      const d = await a.decide({ authorization: `Bearer ${token}`, arn: `arn:aws:execute-api:us-east-1:1:api/dev/GET${path}`, method: 'GET', resource: path });
      return `${d.effect} ${d.reason}`;
    };
    return { decide, audit };
  };
  const apiA = authorizer();
  const apiB = authorizer(REPORTS);
  expect(await apiA.decide(forDefault, '/demo/data')).toBe('Allow allowed');
  expect(await apiA.decide(forReports, '/demo/data')).toBe('Deny wrong_audience');
  expect(await apiB.decide(forReports, '/demo/reports')).toBe('Allow allowed');
  // A default-audience token holding read:reports still fails at the reports API: the audience decides, not the scope.
  expect(await apiB.decide(forDefault, '/demo/reports')).toBe('Deny wrong_audience');
  expect(apiB.audit.events.at(-1)).toMatchObject({ event: 'authz.denied', reason: 'wrong_audience', client_id: undefined });
});

describe('configuration', () => {
  test('resources must be absolute URIs without fragments with declared scopes; an authorizer audience must be served', () => {
    const cfg = (env: Record<string, string>) => () => tokenTestConfig({ ...ENV, ...env });
    expect(cfg({})().resources).toEqual({ [REPORTS]: ['read:reports'], [BILLING]: ['read:data', 'write:data'] });
    expect(cfg({})().authorizerAudience).toBe('https://api.example.test');
    expect(cfg({ PORTCULLIS_RESOURCES: JSON.stringify({ '/relative': 'read:data' }) })).toThrow(ConfigError);
    expect(cfg({ PORTCULLIS_RESOURCES: JSON.stringify({ 'https://a.example#f': 'read:data' }) })).toThrow(/fragment/);
    expect(cfg({ PORTCULLIS_RESOURCES: JSON.stringify({ 'https://a.example': 'nope' }) })).toThrow(/scope "nope", which is not declared/);
    expect(cfg({ PORTCULLIS_RESOURCES: JSON.stringify({ 'https://a.example': [] }) })).toThrow(/needs the scopes/);
    expect(cfg({ PORTCULLIS_AUTHORIZER_AUDIENCE: 'https://nobody.example' })).toThrow(/neither the audience nor a declared resource/);
    expect(cfg({ PORTCULLIS_AUTHORIZER_AUDIENCE: REPORTS })().authorizerAudience).toBe(REPORTS);
  });

  test('resolveResource / scopesForTarget (for every endpoint that takes resource=, the authorization endpoint included)', () => {
    const config = tokenTestConfig(ENV);
    expect(resolveResource(undefined, config)).toEqual({ audience: config.audience });
    expect(resolveResource(REPORTS, config)).toEqual({ audience: REPORTS, scopes: ['read:reports'], resource: REPORTS });
    expect(resolveResource(config.audience, config)).toEqual({ audience: config.audience, resource: config.audience });
    expect(() => resolveResource('https://x.example', config)).toThrow(expect.objectContaining({ code: 'invalid_target', status: 400, reason: 'undeclared_resource' }));
    expect(() => resolveResource('__proto__', config)).toThrow(expect.objectContaining({ code: 'invalid_target' }));
    expect(scopesForTarget(['a', 'read:reports'], resolveResource(REPORTS, config))).toEqual(['read:reports']);
    expect(scopesForTarget(['a', 'b'], resolveResource(undefined, config))).toEqual(['a', 'b']);
    expect(() => scopesForTarget(['a'], resolveResource(REPORTS, config))).toThrow(expect.objectContaining({ code: 'invalid_scope' }));
  });
});
