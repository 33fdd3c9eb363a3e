/**
 * RFC 8707 resource indicators in the code flow: `resource=` at /oauth2/authorize (declared → the code is bound to it
 * and the scope kept to its scopes, also on the consent page; undeclared → invalid_target at the redirect URI;
 * repeated → invalid_request), at the exchange (aud = the code's resource; another resource → invalid_target, the
 * code not burned) and at refresh (the family keeps the audience; another resource → invalid_target).
 */
import { decodeJwt } from 'jose';
import { CookieJar, formFields, pkce } from '../../testkit/people-world';
import { refreshWorld } from '../refresh/refresh-world';

const API2 = 'https://api2.example.test';
const OTHER = 'urn:example:other';
const ENV = { PORTCULLIS_RESOURCES: JSON.stringify({ [API2]: ['read:data'], [OTHER]: ['write:data'] }) };
const body = (res: { body: string }) => JSON.parse(res.body);

async function world() {
  const w = await refreshWorld({ env: ENV });
  /** Signs alice in with these authorization parameters; the redirect answer and the verifier. */
  async function authorizeWith(over: Record<string, string | undefined>, jar = new CookieJar()) {
    const { verifier, challenge } = pkce();
    const q = w.query({ client_id: w.app.client.clientId, ...over }, challenge);
    const res = jar.cookies.size ? await w.authorize(q, jar) : (await w.signIn(jar, q)).res;
    return { res, verifier, jar };
  }
  async function codeFor(over: Record<string, string | undefined>) {
    const { res, verifier } = await authorizeWith(over);
    const code = w.redirectParams(res).get('code');
    if (!code) throw new Error(`no code: ${res.statusCode} ${res.headers.Location ?? res.body.slice(0, 300)}`);
    return { code, verifier };
  }
  const exchange = (code: string, verifier: string, over: Record<string, string> = {}) => {
    const a = w.auth(w.app);
    return w.token(new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: w.redirectUri, code_verifier: verifier, ...a.form, ...over }).toString(), a.headers);
  };
  return { ...w, authorizeWith, codeFor, exchange };
}

test('a declared resource: the token from the code has aud = the resource and only its scopes', async () => {
  const w = await world();
  const { code, verifier } = await w.codeFor({ resource: API2, scope: 'openid read:data' });
  expect(w.audit.events.find((e) => e.event === 'code.issued')).toMatchObject({ scopes_granted: ['read:data'], detail: { resource: API2 } });
  const res = await w.exchange(code, verifier, { resource: API2 });
  expect(res.statusCode).toBe(200);
  expect(body(res).scope).toBe('read:data');
  const claims = decodeJwt(body(res).access_token);
  expect(claims).toMatchObject({ aud: API2, scope: 'read:data', sub: w.alice.sub });
  expect(w.audit.events.at(-1)).toMatchObject({ event: 'token.issued', detail: { resource: API2 } });
});

test('without resource the code flow is as before: the default audience and the scopes as granted', async () => {
  const w = await world();
  const { code, verifier } = await w.codeFor({ scope: 'openid read:data' });
  const res = await w.exchange(code, verifier);
  expect(decodeJwt(body(res).access_token)).toMatchObject({ aud: 'https://api.example.test', scope: 'openid read:data' });
});

test('an undeclared resource is invalid_target, redirected to the client with state and iss; a repeated one is invalid_request', async () => {
  const w = await world();
  const res = await w.authorize(w.query({ client_id: w.app.client.clientId, resource: 'https://evil.example/api' }));
  expect(res.statusCode).toBe(302);
  const p = Object.fromEntries(w.redirectParams(res));
  expect(p).toMatchObject({ error: 'invalid_target', state: 'st-1', iss: 'https://auth.example.test' });
  expect(p.code).toBeUndefined();
  expect(w.audit.events.at(-1)).toMatchObject({ event: 'authorization.denied', reason: 'undeclared_resource', detail: { error: 'invalid_target' } });

  const q = `${w.query({ client_id: w.app.client.clientId, resource: API2 })}&resource=${encodeURIComponent(OTHER)}`;
  const repeated = await w.authorize(q);
  expect(Object.fromEntries(w.redirectParams(repeated))).toMatchObject({ error: 'invalid_request', state: 'st-1' });
});

test('a resource none of whose scopes was requested is invalid_scope at the redirect URI', async () => {
  const w = await world();
  const res = await w.authorize(w.query({ client_id: w.app.client.clientId, resource: OTHER, scope: 'read:data' }));
  expect(Object.fromEntries(w.redirectParams(res))).toMatchObject({ error: 'invalid_scope', state: 'st-1' });
});

test('another resource at the exchange is invalid_target and does not burn the code; an undeclared one too', async () => {
  const w = await world();
  const { code, verifier } = await w.codeFor({ resource: API2, scope: 'read:data' });
  for (const resource of [OTHER, 'https://api.example.test', 'https://nowhere.example']) {
    const res = await w.exchange(code, verifier, { resource });
    expect(res.statusCode).toBe(400);
    expect(body(res).error).toBe('invalid_target');
  }
  expect(w.audit.events.filter((e) => e.event === 'token.denied').map((e) => e.reason)).toEqual(['resource_mismatch', 'resource_mismatch', 'undeclared_resource']);
  const ok = await w.exchange(code, verifier);
  expect(ok.statusCode).toBe(200);
  expect(decodeJwt(body(ok).access_token).aud).toBe(API2);
});

test('a code for the default audience refuses a declared resource at the exchange, and accepts the default audience named', async () => {
  const w = await world();
  const { code, verifier } = await w.codeFor({ scope: 'read:data' });
  expect(body(await w.exchange(code, verifier, { resource: API2 })).error).toBe('invalid_target');
  const ok = await w.exchange(code, verifier, { resource: 'https://api.example.test' });
  expect(ok.statusCode).toBe(200);
  expect(decodeJwt(body(ok).access_token).aud).toBe('https://api.example.test');
});

test('refresh keeps the audience of the code; another resource at refresh is invalid_target', async () => {
  const w = await world();
  const { code, verifier } = await w.codeFor({ resource: API2, scope: 'openid read:data' });
  const first = body(await w.exchange(code, verifier));
  expect(first.refresh_token).toEqual(expect.any(String));
  const refreshed = await w.refresh(first.refresh_token);
  expect(refreshed.statusCode).toBe(200);
  expect(decodeJwt(body(refreshed).access_token)).toMatchObject({ aud: API2, scope: 'read:data' });
  const same = await w.refresh(body(refreshed).refresh_token, w.app, { resource: API2 });
  expect(same.statusCode).toBe(200);
  const wrong = await w.refresh(body(same).refresh_token, w.app, { resource: 'https://api.example.test' });
  expect(wrong.statusCode).toBe(400);
  expect(body(wrong).error).toBe('invalid_target');
  expect(w.audit.events.at(-1)).toMatchObject({ event: 'token.denied', reason: 'resource_mismatch' });
  // Nothing rotated: the same refresh token still works.
  expect((await w.refresh(body(same).refresh_token)).statusCode).toBe(200);
});

test('the consent page shows the scopes actually granted for the resource', async () => {
  const w = await world();
  const partner = await w.clientAdmin.create({ name: 'Partner', scopes: ['openid', 'read:data', 'write:data'], redirectUris: ['https://partner.example/cb'], thirdParty: true });
  await w.userAdmin.setRoles('alice', ['writer']);
  const jar = new CookieJar();
  const q = w.query({ client_id: partner.client.clientId, redirect_uri: 'https://partner.example/cb', scope: 'openid read:data write:data', resource: API2 }, pkce().challenge);
  const { res } = await w.signIn(jar, q);
  expect(res.statusCode).toBe(200);
  expect(res.body).toContain('<span class="name">read:data</span>');
  expect(res.body).not.toContain('<span class="name">write:data</span>');
  expect(res.body).not.toContain('<span class="name">openid</span>');
  const allowed = await w.consent(new URLSearchParams({ ...formFields(res.body), decision: 'allow' }).toString(), jar);
  expect(w.redirectParams(allowed).get('code')).toEqual(expect.any(String));
});
