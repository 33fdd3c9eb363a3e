/**
 * The authorization code flow in a real browser (Chromium through playwright-core) against the local stack
 * (serverless-offline + dynalite, the same code as `npm start`): sign-in, SSO to a second client, prompt and
 * max_age, consent allow and deny, a wrong password, lockout, and XSS attempts through state, the client name and the
 * username (nothing executes; the payload shows as text). Users and clients are made with the admin CLI, as the
 * README says. The README's screenshot of the sign-in page is taken here (written only with
 * PORTCULLIS_UPDATE_SCREENSHOTS=1; the page is always checked).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { authorizeUrl as buildAuthorizeUrl, exchangeCode, launchBrowser, startClientApp, submitSignIn, watchedPage, type ClientApp } from '../../testkit/browser';
import { cli, lastJson } from '../../testkit/cli';
import { startTestStack, type TestStack } from '../../testkit/stack';
import { seedPeopleDemo } from '../../infra/local/people-demo';

const PASSWORD = 'correct horse battery staple';
const SCREENSHOT = join(__dirname, '..', '..', 'docs', 'login-page.png');

let stack: TestStack;
let browser: Browser;
let app: ClientApp;
let alice: { sub: string; username: string };
let web: { client_id: string; client_secret: string };
let second: { client_id: string; client_secret: string };
let partner: { client_id: string; client_secret: string };
const contexts: BrowserContext[] = [];

const admin = async (args: string[], input?: string) => {
  const r = await cli('admin', [...args, '--json'], stack.stateDir, {}, input);
  if (r.code !== 0) throw new Error(`admin ${args.join(' ')}: ${r.code} ${r.stderr}`);
  return lastJson(r.stdout);
};

beforeAll(async () => {
  [stack, browser, app] = await Promise.all([
    // Quick lockout for the lockout test: 2 free failures, then 1 s, 2 s, …
    startTestStack({ PORTCULLIS_BRUTE_FORCE_FREE_ATTEMPTS: '2' }),
    launchBrowser(),
    startClientApp(),
  ]);
  const cb = (path: string) => `${app.origin}${path}`;
  [alice, web, second, partner] = await Promise.all([
    admin(['users', 'create', '--username', 'alice', '--roles', 'reader writer', '--password-stdin'], `${PASSWORD}\n`),
    admin(['clients', 'create', '--name', 'Acme Web', '--scopes', 'openid read:data write:data', '--grant-types', 'authorization_code refresh_token', '--redirect-uris', `${cb('/web')} ${cb('/web2')}`]),
    admin(['clients', 'create', '--name', 'Second app', '--scopes', 'read:data', '--grant-types', 'authorization_code', '--redirect-uris', cb('/second')]),
    admin(['clients', 'create', '--name', 'Partner', '--scopes', 'read:data write:data', '--grant-types', 'authorization_code', '--redirect-uris', cb('/partner'), '--third-party']),
  ]);
}, 240_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await Promise.all([browser?.close(), app?.close(), stack?.stop()]);
});

/** A fresh browser profile (its own cookie jar) with a page that records dialogs. */
async function freshBrowser() {
  const context = await browser.newContext({ viewport: { width: 720, height: 760 }, deviceScaleFactor: 1, locale: 'en-US' });
  contexts.push(context);
  return { context, ...(await watchedPage(context)) };
}

const authorizeUrl = (clientId: string, redirectUri: string, over: Record<string, string> = {}) => buildAuthorizeUrl(stack.url, clientId, redirectUri, over);
const signIn = submitSignIn;
const atClient = (page: Page) => new URL(page.url());
const exchange = (code: string, verifier: string, client: { client_id: string; client_secret?: string }, redirectUri: string) =>
  exchangeCode(stack.url, code, verifier, client, redirectUri);

test('the CLI contract: users create reads one line on stdin and prints sub and username; clients create prints client_id (and client_secret unless --public)', async () => {
  expect(alice).toMatchObject({ sub: expect.stringMatching(/^usr_/), username: 'alice', roles: ['reader', 'writer'] });
  expect(web).toMatchObject({ client_id: expect.any(String), client_secret: expect.any(String), redirect_uris: [`${app.origin}/web`, `${app.origin}/web2`] });
  const native = await admin(['clients', 'create', '--name', 'Native', '--scopes', 'read:data', '--grant-types', 'authorization_code refresh_token', '--redirect-uris', 'http://127.0.0.1/cb', '--public']);
  expect(native).toMatchObject({ client_id: expect.any(String), public: true, token_endpoint_auth_method: 'none' });
  expect(native.client_secret).toBeUndefined();
  const generated = await admin(['users', 'create', '--username', 'Dave@Example.com', '--roles', 'reader']);
  expect(generated).toMatchObject({ username: 'dave@example.com', sub: expect.stringMatching(/^usr_/), password: expect.stringMatching(/^[A-Za-z0-9]{16}$/) });
  const refused = await cli('admin', ['clients', 'create', '--name', 'x', '--scopes', 'read:data', '--redirect-uris', 'http://localhost:3000/cb', '--json'], stack.stateDir);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/localhost is not accepted/);
}, 60_000);

test('sign in: the form, then back at the client with code, state and iss; the code buys a token the gateway accepts (screenshot for the README)', async () => {
  const { page, dialogs } = await freshBrowser();
  const { url, verifier } = authorizeUrl(web.client_id, `${app.origin}/web`, { scope: 'openid read:data' });
  const res = await page.goto(url);
  expect(res?.status()).toBe(200);
  expect(res?.headers()['content-security-policy']).toContain(`form-action 'self' ${app.origin};`);
  await expect(page.title()).resolves.toBe('Sign in · portcullis');
  expect(await page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
  expect(await page.getByLabel('Username').isVisible()).toBe(true);
  expect(await page.getByLabel('Password').getAttribute('type')).toBe('password');
  expect(await page.locator('.lead').textContent()).toBe('to continue to Acme Web');
  const shot = await page.screenshot({ fullPage: true });
  expect(shot.length).toBeGreaterThan(5_000);
  if (process.env.PORTCULLIS_UPDATE_SCREENSHOTS === '1') {
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    writeFileSync(SCREENSHOT, shot);
  }

  await signIn(page, 'alice', PASSWORD);
  const back = atClient(page);
  expect(`${back.origin}${back.pathname}`).toBe(`${app.origin}/web`);
  expect(back.searchParams.get('state')).toBe('st-123');
  expect(back.searchParams.get('iss')).toBe(stack.url);
  const token = await exchange(back.searchParams.get('code')!, verifier, web, `${app.origin}/web`);
  expect(token).toMatchObject({ status: 200, body: { token_type: 'Bearer', scope: 'openid read:data' } });
  const data = await fetch(`${stack.url}/demo/data`, { headers: { authorization: `Bearer ${token.body.access_token}` } });
  expect(await data.json()).toMatchObject({ sub: alice.sub, client_id: web.client_id, scope: 'openid read:data' });
  expect(dialogs).toEqual([]);

  const cookies = await page.context().cookies(stack.url);
  const session = cookies.find((c) => c.name === 'portcullis-session')!;
  expect(session).toMatchObject({ httpOnly: true, secure: false, sameSite: 'Lax', path: '/' });
}, 60_000);

test('SSO: signed in once, a second client gets its code without the form; prompt=login shows the form; prompt=none without a session is login_required; max_age', async () => {
  const { page } = await freshBrowser();
  await page.goto(authorizeUrl(web.client_id, `${app.origin}/web`).url);
  await signIn(page, 'alice', PASSWORD);

  const { url, verifier } = authorizeUrl(second.client_id, `${app.origin}/second`);
  await page.goto(url);
  const back = atClient(page);
  expect(back.pathname).toBe('/second');
  expect((await exchange(back.searchParams.get('code')!, verifier, second, `${app.origin}/second`)).status).toBe(200);

  await page.goto(authorizeUrl(second.client_id, `${app.origin}/second`, { prompt: 'login' }).url);
  expect(await page.getByLabel('Password').isVisible()).toBe(true);
  expect(await page.getByLabel('Username').inputValue()).toBe('alice');
  await signIn(page, 'alice', PASSWORD);
  expect(atClient(page).searchParams.get('code')).toBeTruthy();

  await new Promise((r) => setTimeout(r, 2100));
  await page.goto(authorizeUrl(second.client_id, `${app.origin}/second`, { max_age: '1' }).url);
  expect(await page.getByLabel('Password').isVisible()).toBe(true);
  await page.goto(authorizeUrl(second.client_id, `${app.origin}/second`, { max_age: '3600', prompt: 'none' }).url);
  expect(atClient(page).searchParams.get('code')).toBeTruthy();

  const { page: stranger } = await freshBrowser();
  await stranger.goto(authorizeUrl(second.client_id, `${app.origin}/second`, { prompt: 'none' }).url);
  expect(Object.fromEntries(atClient(stranger).searchParams)).toEqual({ error: 'login_required', error_description: 'The user must sign in', state: 'st-123', iss: stack.url });
}, 60_000);

test('consent for a third-party client: deny → access_denied; allow → a code, remembered next time', async () => {
  const { page } = await freshBrowser();
  const start = () => page.goto(authorizeUrl(partner.client_id, `${app.origin}/partner`, { scope: 'read:data write:data' }).url);
  await start();
  await signIn(page, 'alice', PASSWORD);
  expect(await page.getByRole('heading', { name: 'Allow access?' }).isVisible()).toBe(true);
  expect(await page.locator('.scopes li').allTextContents()).toEqual(['Read the demo dataread:data', 'Create and change the demo datawrite:data']);
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Deny' }).click()]);
  expect(Object.fromEntries(atClient(page).searchParams)).toMatchObject({ error: 'access_denied', state: 'st-123', iss: stack.url });

  await start();
  expect(await page.getByRole('button', { name: 'Allow' }).isVisible()).toBe(true);
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Allow' }).click()]);
  expect(atClient(page).searchParams.get('code')).toBeTruthy();
  await start();
  expect(atClient(page).pathname).toBe('/partner'); // remembered: no page
  expect(atClient(page).searchParams.get('code')).toBeTruthy();

  await admin(['users', 'revoke-consent', 'alice', '--client', partner.client_id]);
  await start();
  expect(await page.getByRole('heading', { name: 'Allow access?' }).isVisible()).toBe(true);
}, 90_000);

test('a wrong password shows the form again with one message; repeated failures lock the user out with back-off', async () => {
  await admin(['users', 'create', '--username', 'bob', '--roles', 'reader', '--password-stdin'], `${PASSWORD}\n`);
  const { page } = await freshBrowser();
  await page.goto(authorizeUrl(web.client_id, `${app.origin}/web`).url);
  await signIn(page, 'bob', 'not my password');
  expect(await page.getByRole('alert').textContent()).toBe('The username or password is incorrect.');
  await signIn(page, 'nobody-at-all', 'not my password');
  expect(await page.getByRole('alert').textContent()).toBe('The username or password is incorrect.');
  await signIn(page, 'bob', 'not my password either');
  await signIn(page, 'bob', 'still not it');
  expect(await page.getByRole('alert').textContent()).toMatch(/^Too many failed sign-ins\. Try again in \d+ seconds?\.$/);
  await signIn(page, 'bob', PASSWORD); // refused during the lock, even with the right password
  expect(await page.getByRole('alert').textContent()).toMatch(/^Too many failed sign-ins/);
  await new Promise((r) => setTimeout(r, 2500));
  await signIn(page, 'bob', PASSWORD);
  expect(atClient(page).searchParams.get('code')).toBeTruthy();
}, 60_000);

test('XSS through state, the client name and the username: nothing executes, the payloads show as text', async () => {
  const payload = '"><img src=x onerror=alert(1)><script>alert(2)</script>';
  const { clientId } = await stack.createClient({ name: `<img src=x onerror=alert('name')>Evil</b>`, scopes: ['read:data'], grantTypes: ['authorization_code'], redirectUris: [`${app.origin}/evil`], thirdParty: true });
  const { page, dialogs } = await freshBrowser();
  await page.goto(authorizeUrl(clientId, `${app.origin}/evil`, { state: payload, login_hint: `'><svg onload=alert(3)>` }).url);
  expect(await page.locator('.lead strong').textContent()).toBe(`<img src=x onerror=alert('name')>Evil</b>`);
  expect(await page.getByLabel('Username').inputValue()).toBe(`'><svg onload=alert(3)>`);
  expect(await page.locator('img, script:not([src]), svg').count()).toBe(0);
  await signIn(page, `"><script>alert(4)</script>`, 'wrong password');
  expect(await page.getByLabel('Username').inputValue()).toBe(`"><script>alert(4)</script>`);
  await signIn(page, 'alice', PASSWORD);
  expect(await page.locator('.lead strong').textContent()).toBe(`<img src=x onerror=alert('name')>Evil</b>`);
  expect(await page.locator('.who strong').textContent()).toBe('alice');
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Allow' }).click()]);
  expect(atClient(page).searchParams.get('state')).toBe(payload); // echoed exactly, as data
  expect(dialogs).toEqual([]);
}, 60_000);

test('users disable ends the sessions and the gateway refuses the user\'s tokens within the revocation bound', async () => {
  await admin(['users', 'create', '--username', 'carol', '--roles', 'reader', '--password-stdin'], `${PASSWORD}\n`);
  const { page } = await freshBrowser();
  const { url, verifier } = authorizeUrl(second.client_id, `${app.origin}/second`);
  await page.goto(url);
  await signIn(page, 'carol', PASSWORD);
  const token = (await exchange(atClient(page).searchParams.get('code')!, verifier, second, `${app.origin}/second`)).body.access_token;
  const call = () => fetch(`${stack.url}/demo/data`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
  expect(await call()).toBe(200);
  const out = await cli('admin', ['users', 'disable', 'carol', '--json'], stack.stateDir);
  expect(out.code).toBe(0);
  expect(lastJson(out.stdout)).toEqual({ username: 'carol', disabled: true });
  const deadline = Date.now() + 8_000;
  let status = await call();
  while (status === 200 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    status = await call();
  }
  expect(status).toBe(401);
  await page.goto(authorizeUrl(second.client_id, `${app.origin}/second`, { prompt: 'none' }).url);
  expect(atClient(page).searchParams.get('error')).toBe('login_required');
}, 60_000);

test('two concurrent redemptions of one code: exactly one token; the other is invalid_grant and the token dies at the gateway', async () => {
  const { page } = await freshBrowser();
  const { url, verifier } = authorizeUrl(web.client_id, `${app.origin}/web`);
  await page.goto(url);
  await signIn(page, 'alice', PASSWORD);
  const code = atClient(page).searchParams.get('code')!;
  const results = await Promise.all([exchange(code, verifier, web, `${app.origin}/web`), exchange(code, verifier, web, `${app.origin}/web`)]);
  expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
  const winner = results.find((r) => r.status === 200)!.body.access_token;
  expect(results.find((r) => r.status === 400)!.body).toEqual({ error: 'invalid_grant', error_description: 'The authorization code has already been used' });
  const deadline = Date.now() + 8_000;
  let status = 200;
  while (status === 200 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    status = (await fetch(`${stack.url}/demo/data`, { headers: { authorization: `Bearer ${winner}` } })).status;
  }
  expect(status).toBe(401);
}, 60_000);

test('bad requests over HTTP: a clear error, never a 5xx; an unregistered redirect_uri gets a page on the issuer and no redirect', async () => {
  const page = await fetch(authorizeUrl(web.client_id, 'http://127.0.0.1:1/steal').url, { redirect: 'manual' });
  expect(page.status).toBe(400);
  expect(page.headers.get('location')).toBeNull();
  expect(await page.text()).toContain('<code>invalid_request</code>');
  const crlf = await fetch(authorizeUrl(web.client_id, `${app.origin}/web`, { state: 'a\r\nSet-Cookie: pwned=1' }).url, { redirect: 'manual' });
  expect(crlf.status).toBe(302);
  expect(crlf.headers.get('set-cookie')).toBeNull();
  expect(new URL(crlf.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
  const dup = await fetch(`${authorizeUrl(web.client_id, `${app.origin}/web`).url}&scope=read:data`, { redirect: 'manual' });
  expect(new URL(dup.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
  const token = await fetch(`${stack.url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${web.client_id}:${web.client_secret}`).toString('base64')}` },
    body: 'grant_type=authorization_code&code=nope&redirect_uri=x&code_verifier=short',
  });
  expect(token.status).toBe(400);
  expect(await token.json()).toMatchObject({ error: 'invalid_request' });
  const login = await fetch(`${stack.url}/oauth2/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=a&password=b' });
  expect(login.status).toBe(400);
  expect(login.headers.get('content-type')).toBe('text/html;charset=UTF-8');
  const metadata = await (await fetch(`${stack.url}/.well-known/oauth-authorization-server`)).json();
  expect(metadata).toMatchObject({
    authorization_endpoint: `${stack.url}/oauth2/authorize`,
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
    grant_types_supported: ['client_credentials', 'authorization_code', 'refresh_token'],
  });
});

test('the demo app (npm start seeds its client and a demo user): sign in through it and see the decoded token and the API answer', async () => {
  const printed = await seedPeopleDemo(stack, stack.stateDir);
  const password = /password: (\S+)/.exec(printed)![1];
  expect(printed).toContain(`open ${stack.url}/demo/app`);
  const { page, dialogs } = await freshBrowser();
  await page.goto(`${stack.url}/demo/app`);
  await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Sign in' }).click()]);
  expect(new URL(page.url()).pathname).toBe('/oauth2/authorize');
  await signIn(page, 'demo', password);
  expect(page.url()).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${new URL(stack.url).port}/demo/app/callback\\?code=`));
  expect(await page.getByRole('heading', { name: 'Signed in' }).isVisible()).toBe(true);
  const claims = JSON.parse((await page.locator('#token-claims').textContent())!);
  expect(claims).toMatchObject({ iss: stack.url, client_id: 'demo-app', scope: 'openid read:data', sub: expect.stringMatching(/^usr_/), sid: expect.any(String), auth_time: expect.any(Number) });
  expect(JSON.parse((await page.locator('#token-header').textContent())!)).toMatchObject({ typ: 'at+jwt', alg: 'RS256' });
  expect(JSON.parse((await page.locator('#api-answer').textContent())!)).toMatchObject({ route: 'GET /demo/data', sub: claims.sub, message: 'read ok' });
  expect(dialogs).toEqual([]);
  // Seeding again changes nothing and prints no password.
  expect(await seedPeopleDemo(stack, stack.stateDir)).not.toContain('password:');
}, 60_000);

test('the audit trail has every people event, and no password, code or cookie (real values, through the real scrubber and sink)', async () => {
  const lines = readFileSync(join(stack.stateDir, 'audit.log'), 'utf8').trim().split('\n');
  const events = lines.map((l) => JSON.parse(l) as { event: string });
  const names = new Set(events.map((e) => e.event));
  for (const name of ['login.succeeded', 'login.failed', 'user.locked', 'consent.granted', 'consent.denied', 'code.issued', 'code.reused', 'authorization.denied', 'user.created', 'user.disabled']) {
    expect({ name, present: names.has(name) }).toEqual({ name, present: true });
  }
  const secrets = [PASSWORD, 'not my password', 'not my password either', 'still not it', 'wrong password'];
  for (const q of app.received) if (q.get('code')) secrets.push(q.get('code')!);
  for (const c of contexts) {
    for (const cookie of await c.cookies().catch(() => [])) secrets.push(cookie.value, ...cookie.value.split('.').filter((p) => p.length >= 30));
  }
  expect(secrets.length).toBeGreaterThan(20);
  const text = lines.join('\n');
  for (const s of secrets) expect({ secret: s.slice(0, 6), found: text.includes(s) }).toEqual({ secret: s.slice(0, 6), found: false });
});
