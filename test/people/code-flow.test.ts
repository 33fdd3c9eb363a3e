/**
 * The authorization code flow end to end, in process: authorize → sign-in form → login → code → token, SSO on the
 * next request, prompt/max_age, and what the token carries. Pages and redirects are checked as a browser sees them.
 */
import { decodeProtectedHeader, decodeJwt } from 'jose';
import { CookieJar, formFields, peopleWorld, pkce, PASSWORD } from '../../testkit/people-world';

const csp = (res: { headers: Record<string, string> }) => res.headers['Content-Security-Policy'];

test('first visit: the sign-in form, with its security headers and a CSRF cookie; no code without signing in', async () => {
  const w = await peopleWorld();
  const jar = new CookieJar();
  const page = await w.authorize(w.query(), jar);
  expect(page.statusCode).toBe(200);
  expect(page.headers).toMatchObject({
    'Content-Type': 'text/html;charset=UTF-8',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });
  expect(csp(page)).toMatch(/^default-src 'none'; style-src 'self' 'sha256-[A-Za-z0-9+/=]+'; img-src 'self' data:; form-action 'self' https:\/\/app\.example\.com; frame-ancestors 'none'; base-uri 'none'$/);
  expect(page.body).toContain('<form method="post" action="/oauth2/login">');
  expect(page.body).toMatch(/<input type="text" id="username" name="username"/);
  expect(page.body).toMatch(/<input type="password" id="password" name="password"/);
  expect(page.body).toContain('<label for="username">Username</label>');
  expect(page.body).toContain('<button type="submit">Sign in</button>');
  expect(page.body).not.toMatch(/<script/i);
  expect(page.cookies).toEqual([expect.stringMatching(/^__Host-portcullis-csrf=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax$/)]);
  jar.take(page);
  expect(formFields(page.body).csrf).toBe(jar.cookies.get('__Host-portcullis-csrf'));
});

test('sign in: a new session cookie (flags), a 303 to the client with code, state and iss; the code buys an RFC 9068 token for the user', async () => {
  const w = await peopleWorld();
  const jar = new CookieJar();
  const { verifier, challenge } = pkce();
  const { res } = await w.signIn(jar, w.query({ nonce: 'n-0S6' }, challenge));
  expect(res.statusCode).toBe(303);
  expect(res.headers['Cache-Control']).toBe('no-store');
  expect(res.headers['Referrer-Policy']).toBe('no-referrer');
  const session = res.cookies!.find((c) => c.startsWith('__Host-portcullis-session='))!;
  expect(session).toMatch(/^__Host-portcullis-session=usr_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}; Path=\/; Max-Age=43200; HttpOnly; Secure; SameSite=Lax$/);
  const location = new URL(res.headers.Location);
  expect(`${location.origin}${location.pathname}`).toBe(w.redirectUri);
  const p = location.searchParams;
  expect([...p.keys()].sort()).toEqual(['code', 'iss', 'state']);
  expect(p.get('state')).toBe('st-1');
  expect(p.get('iss')).toBe('https://auth.example.test');
  expect(p.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);

  const tokenRes = await w.exchange(p.get('code')!, verifier);
  expect(tokenRes.statusCode).toBe(200);
  const body = JSON.parse(tokenRes.body);
  // openid was granted: an id_token too (test/people/openid-connect.test.ts checks it).
  expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'openid read:data', id_token: expect.any(String) });
  expect(decodeProtectedHeader(body.access_token).typ).toBe('at+jwt');
  const claims = decodeJwt(body.access_token);
  const sid = session.split('=')[1].split('.')[1];
  expect(claims).toMatchObject({ iss: 'https://auth.example.test', aud: 'https://api.example.test', sub: w.alice.sub, client_id: w.web.client.clientId, scope: 'openid read:data', sid, auth_time: Math.floor(w.clock.now() / 1000) });
  expect(w.audit.events.map((e) => e.event)).toEqual(['user.created', 'client.created', 'login.succeeded', 'code.issued', 'id_token.issued', 'token.issued']);
});

test('SSO: with a live session the next request (another client too) gets a code at once; prompt=login shows the form; max_age is honoured', async () => {
  const w = await peopleWorld();
  const jar = new CookieJar();
  await w.signIn(jar, w.query());
  const other = await w.clientAdmin.create({ name: 'Second app', scopes: ['read:data'], redirectUris: ['https://two.example.com/cb'] });
  const sso = await w.authorize(w.query({ client_id: other.client.clientId, redirect_uri: 'https://two.example.com/cb', scope: 'read:data' }), jar);
  expect(sso.statusCode).toBe(302);
  expect(w.redirectParams(sso).get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);

  const again = await w.authorize(w.query({ prompt: 'login' }), jar);
  expect(again.statusCode).toBe(200);
  expect(again.body).toContain('name="password"');
  expect(again.body).toContain('value="alice"');

  w.clock.advance(120_000);
  expect((await w.authorize(w.query({ max_age: '300' }), jar)).statusCode).toBe(302);
  expect((await w.authorize(w.query({ max_age: '60' }), jar)).statusCode).toBe(200);
  const none = await w.authorize(w.query({ max_age: '60', prompt: 'none' }), jar);
  expect(none.statusCode).toBe(302);
  expect(Object.fromEntries(w.redirectParams(none))).toMatchObject({ error: 'login_required', state: 'st-1', iss: 'https://auth.example.test' });
});

test('prompt=none without a session → login_required; a signed-in prompt=login re-authenticates with a NEW session (no fixation)', async () => {
  const w = await peopleWorld();
  const jar = new CookieJar();
  const none = await w.authorize(w.query({ prompt: 'none' }), jar);
  expect(Object.fromEntries(w.redirectParams(none))).toEqual({ error: 'login_required', error_description: 'The user must sign in', state: 'st-1', iss: 'https://auth.example.test' });
  await w.signIn(jar, w.query());
  const first = jar.cookies.get('__Host-portcullis-session')!;
  w.clock.advance(1000);
  const { res } = await w.signIn(jar, w.query({ prompt: 'login' }));
  expect(res.statusCode).toBe(303);
  const second = jar.cookies.get('__Host-portcullis-session')!;
  expect(second.split('.')[1]).not.toBe(first.split('.')[1]);
  expect(second.split('.')[2]).not.toBe(first.split('.')[2]);
});

test('wrong password, unknown user: the same form again with the same message (no hint), audited with the reason', async () => {
  const w = await peopleWorld();
  const jar = new CookieJar();
  const wrong = await w.signIn(jar, w.query(), 'alice', 'not the password');
  const unknown = await w.signIn(new CookieJar(), w.query(), 'mallory', 'whatever it is');
  for (const { res } of [wrong, unknown]) {
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<div class="alert" role="alert" id="form-error">The username or password is incorrect.</div>');
    expect(res.body).toContain('name="password"');
    expect(res.cookies ?? []).not.toContainEqual(expect.stringContaining('portcullis-session'));
  }
  expect(wrong.res.body.replace(/value="[^"]*"/g, '')).toBe(unknown.res.body.replace(/value="[^"]*"/g, ''));
  const failed = w.audit.events.filter((e) => e.event === 'login.failed');
  expect(failed.map((e) => [e.reason, e.sub])).toEqual([
    ['bad_password', w.alice.sub],
    ['unknown_user', undefined],
  ]);
  expect(JSON.stringify(w.audit.events)).not.toContain('not the password');
  expect(JSON.stringify(w.audit.events)).not.toContain(PASSWORD);
});
