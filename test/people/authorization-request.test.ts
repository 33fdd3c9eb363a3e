/**
 * Bad authorization requests (RFC 6749 §4.1.2.1): who cannot be answered safely gets a 400 page on our origin and is
 * never redirected; everything else is redirected with a clear error, the state (when valid) and iss. Never a 5xx.
 */
import { handleAuthorizeRequest } from '../../lib/endpoints/authorize';
import { peopleWorld } from '../../testkit/people-world';

type World = Awaited<ReturnType<typeof peopleWorld>>;
let w: World;
beforeAll(async () => {
  w = await peopleWorld();
});

const PAGE_CASES: Array<[string, (w: World) => string, string]> = [
  ['no client_id', (w) => w.query({ client_id: undefined }), 'invalid_request'],
  ['an unknown client', (w) => w.query({ client_id: 'pc_nobody' }), 'invalid_request'],
  ['a 5000-character client_id', (w) => w.query({ client_id: 'x'.repeat(5000) }), 'invalid_request'],
  ['client_id twice', (w) => `${w.query()}&client_id=${w.web.client.clientId}`, 'invalid_request'],
  ['no redirect_uri', (w) => w.query({ redirect_uri: undefined }), 'invalid_request'],
  ['an unregistered redirect_uri', (w) => w.query({ redirect_uri: 'https://evil.example/cb' }), 'invalid_request'],
  ['a redirect_uri that only starts like the registered one', (w) => w.query({ redirect_uri: `${w.redirectUri}/../../evil` }), 'invalid_request'],
  ['a redirect_uri with another port', (w) => w.query({ redirect_uri: 'https://app.example.com:8443/cb' }), 'invalid_request'],
  ['a javascript: redirect_uri', (w) => w.query({ redirect_uri: 'javascript:alert(1)' }), 'invalid_request'],
  ['redirect_uri twice', (w) => `${w.query()}&redirect_uri=${encodeURIComponent(w.redirectUri)}`, 'invalid_request'],
];

test.each(PAGE_CASES)('%s: a 400 page on our origin, never a redirect', async (_name, q, code) => {
  const res = await w.authorize(q(w));
  expect(res.statusCode).toBe(400);
  expect(res.headers.Location).toBeUndefined();
  expect(res.headers['Content-Type']).toBe('text/html;charset=UTF-8');
  expect(res.headers['Content-Security-Policy']).toContain("frame-ancestors 'none'");
  expect(res.headers['Content-Security-Policy']).toContain("form-action 'self';");
  expect(res.body).toContain(`<code>${code}</code>`);
  expect(res.body).not.toContain('evil');
});

test('a machine client (no authorization_code grant) gets the page too, with unauthorized_client', async () => {
  const machine = await w.clientAdmin.create({ name: 'batch', scopes: ['read:data'] });
  const res = await w.authorize(w.query({ client_id: machine.client.clientId }));
  expect(res.statusCode).toBe(400);
  expect(res.body).toContain('<code>unauthorized_client</code>');
});

const REDIRECT_CASES: Array<[string, Record<string, string | undefined> | ((w: World) => string), string, RegExp | undefined]> = [
  ['response_type=token (no implicit flow)', { response_type: 'token' }, 'unsupported_response_type', undefined],
  ['response_type=id_token', { response_type: 'id_token' }, 'unsupported_response_type', undefined],
  ['response_type=code id_token', { response_type: 'code id_token' }, 'unsupported_response_type', undefined],
  ['no response_type', { response_type: undefined }, 'invalid_request', undefined],
  ['no code_challenge (PKCE is required)', { code_challenge: undefined }, 'invalid_request', /PKCE is required/],
  ['code_challenge_method=plain', { code_challenge_method: 'plain' }, 'invalid_request', /must be S256/],
  ['no code_challenge_method', { code_challenge_method: undefined }, 'invalid_request', /must be S256/],
  ['a code_challenge of 42 characters', { code_challenge: 'a'.repeat(42) }, 'invalid_request', /43 characters/],
  ['a code_challenge with padding', { code_challenge: `${'a'.repeat(42)}=` }, 'invalid_request', undefined],
  ['an unknown scope', { scope: 'read:data admin:root' }, 'invalid_scope', undefined],
  ['a scope the client may not have', { scope: 'admin:all' }, 'invalid_scope', undefined],
  ['a scope with a control character', { scope: 'read:data\u0001' }, 'invalid_scope', undefined],
  ['prompt=none login', { prompt: 'none login' }, 'invalid_request', undefined],
  ['prompt=bogus', { prompt: 'bogus' }, 'invalid_request', undefined],
  ['max_age=-1', { max_age: '-1' }, 'invalid_request', undefined],
  ['response_mode=fragment', { response_mode: 'fragment' }, 'invalid_request', undefined],
  ['a request object', { request: 'eyJhbGciOiJub25lIn0.e30.' }, 'invalid_request', undefined],
  ['scope twice', (w) => `${w.query()}&scope=read%3Adata`, 'invalid_request', /scope is repeated/],
  ['code_challenge twice', (w) => `${w.query()}&code_challenge=${'b'.repeat(43)}`, 'invalid_request', /repeated/],
  ['an oversized query (10 kB of padding)', { padding: 'x'.repeat(10_000) }, 'invalid_request', /too large/],
  ['a 600-character nonce', { nonce: 'n'.repeat(600) }, 'invalid_request', undefined],
];

// Every row has all four values: jest reads a parameter beyond a row's length as a `done` callback.
test.each(REDIRECT_CASES)('%s: redirected with the error, the state and iss', async (_name, over, error, description) => {
  const res = await w.authorize(typeof over === 'function' ? over(w) : w.query(over));
  expect(res.statusCode).toBe(302);
  expect(res.headers['Cache-Control']).toBe('no-store');
  const url = new URL(res.headers.Location);
  expect(`${url.origin}${url.pathname}`).toBe(w.redirectUri);
  const p = Object.fromEntries(url.searchParams);
  expect(p).toEqual({ error, error_description: expect.stringMatching(description ?? /./), state: 'st-1', iss: 'https://auth.example.test' });
  expect(p.error_description).toMatch(/^[\x20\x21\x23-\x5b\x5d-\x7e]+$/);
});

test('CRLF, a quote and a tag in state cannot split the Location header or be echoed unencoded: invalid_request, state not echoed', async () => {
  const res = await w.authorize(w.query({ state: 'a\r\nSet-Cookie: x=1' }));
  expect(res.statusCode).toBe(302);
  expect(res.headers.Location).not.toMatch(/[\r\n]/);
  expect(Object.fromEntries(new URL(res.headers.Location).searchParams)).toEqual({
    error: 'invalid_request',
    error_description: expect.stringContaining('state'),
    iss: 'https://auth.example.test',
  });
  expect(Object.keys(res.headers)).not.toContain('Set-Cookie');
  const odd = await w.authorize(w.query({ state: `"><script>alert(1)</script>&x=` }));
  expect(odd.statusCode).toBe(200); // a valid state: it rides in the form, escaped
  expect(odd.body).toContain('state=%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E%26x%3D');
  expect(odd.body).not.toContain('<script>');
  expect((await w.authorize(w.query({ state: 's'.repeat(2049) }))).headers.Location).not.toContain('sss');
});

test('a redirect URI with a query keeps it and gets the response parameters appended', async () => {
  const c = await w.clientAdmin.create({ name: 'q', scopes: ['read:data'], redirectUris: ['https://q.example/cb?tenant=a'] });
  const res = await w.authorize(w.query({ client_id: c.client.clientId, redirect_uri: 'https://q.example/cb?tenant=a', response_type: 'token' }));
  expect(res.headers.Location).toMatch(/^https:\/\/q\.example\/cb\?tenant=a&error=unsupported_response_type&/);
});

test('only GET: another method is a 405 page with Allow', async () => {
  const res = await handleAuthorizeRequest(
    { method: 'DELETE', path: '/oauth2/authorize', query: new Map(), headers: {}, cookies: new Map(), body: null, isBase64Encoded: false },
    w.deps,
  );
  expect(res.statusCode).toBe(405);
  expect(res.headers.Allow).toBe('GET');
  expect(res.headers['Content-Type']).toBe('text/html;charset=UTF-8');
});

test('every refusal is audited as authorization.denied with its reason', async () => {
  const before = w.audit.events.length;
  await w.authorize(w.query({ redirect_uri: 'https://evil.example/cb' }));
  await w.authorize(w.query({ code_challenge_method: 'plain' }));
  expect(w.audit.events.slice(before).map((e) => [e.event, e.reason, e.client_id])).toEqual([
    ['authorization.denied', 'unregistered_redirect_uri', w.web.client.clientId],
    ['authorization.denied', 'pkce_plain', w.web.client.clientId],
  ]);
});
