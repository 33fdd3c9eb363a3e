/**
 * Every HTML page and redirect (testkit/browser-headers.ts BROWSER_PAGES: the authorization endpoint's pages and
 * redirects, sign-in, consent, the demo app, the docs page) carries CSP with frame-ancestors 'none', nosniff,
 * Referrer-Policy no-referrer, Cache-Control no-store, and cookies HttpOnly + SameSite, over HTTP against the local
 * stack; and on an https issuer (in process: the local stack is plain http) every cookie is Secure and `__Host-`
 * when its path is /.
 */
import { seedPeopleDemo } from '../../infra/local/people-demo';
import { demoAppRedirectUri, handleDemoAppRequest } from '../../lib/demo-app/demo-app';
import { parseQueryString } from '../../lib/http/request';
import { BROWSER_PAGES, browserHeaderProblems, clearsCookie, cookieProblems, seen, seenInProcess, type PageContext } from '../../testkit/browser-headers';
import { browserRequest, CookieJar, formFields, peopleWorld } from '../../testkit/people-world';
import { startTestStack, type TestStack } from '../../testkit/stack';
import { readFileSync } from 'node:fs';
import { OPENAPI_FILE, readOpenApi } from '../../testkit/openapi';

describe('the header and cookie checks themselves', () => {
  const page: { status: number; headers: Record<string, string>; setCookies: string[] } = { status: 200, headers: { 'content-type': 'text/html', 'content-security-policy': "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'", 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store', 'x-frame-options': 'DENY' }, setCookies: [] };
  it('pass a good page and fail each missing header', () => {
    expect(browserHeaderProblems(page, { secure: false })).toEqual([]);
    for (const h of Object.keys(page.headers).filter((k) => k !== 'content-type')) {
      const rest = { ...page.headers };
      delete rest[h];
      expect([h, browserHeaderProblems({ ...page, headers: rest }, { secure: false }).length]).toEqual([h, 1]);
    }
    expect(browserHeaderProblems({ ...page, headers: { ...page.headers, 'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'" } }, { secure: false })).not.toEqual([]);
  });
  it('fail cookies without HttpOnly, SameSite, or (on https) Secure and __Host-', () => {
    expect(cookieProblems('sid=1; Path=/; HttpOnly; SameSite=Lax', { secure: false })).toEqual([]);
    expect(cookieProblems('sid=1; Path=/; SameSite=Lax', { secure: false })).toEqual(['cookie sid: not HttpOnly']);
    expect(cookieProblems('sid=1; Path=/; HttpOnly', { secure: false })).toHaveLength(1);
    expect(cookieProblems('sid=1; Path=/; HttpOnly; SameSite=None', { secure: false })).toHaveLength(1);
    expect(cookieProblems('sid=1; Path=/; HttpOnly; SameSite=Lax', { secure: true })).toHaveLength(2);
    expect(cookieProblems('__Host-sid=1; Path=/; HttpOnly; Secure; SameSite=Lax', { secure: true })).toEqual([]);
    expect(cookieProblems('flow=1; Path=/demo/app; HttpOnly; Secure; SameSite=Lax', { secure: true })).toEqual([]);
    expect(cookieProblems('flow=1; Path=/demo/app; HttpOnly; SameSite=Lax', { secure: true })).toEqual(['cookie flow: not Secure on an https issuer']);
  });
});

describe('the cookie-clearing check', () => {
  const answer = (...cookies: string[]) => {
    const h = new Headers();
    for (const c of cookies) h.append('set-cookie', c);
    return new Response(null, { status: 303, headers: h });
  };
  it('passes an emptied cookie with Max-Age=0 and fails a missing or still-set one', () => {
    expect(clearsCookie(answer('portcullis-session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax'), 'portcullis-session')).toEqual([]);
    expect(clearsCookie(answer(), 'portcullis-session')).toEqual(['does not clear portcullis-session']);
    expect(clearsCookie(answer('portcullis-session=abc; Path=/; Max-Age=0; HttpOnly; SameSite=Lax'), 'portcullis-session')).toHaveLength(1);
    expect(clearsCookie(answer('portcullis-session=; Path=/; HttpOnly; SameSite=Lax'), 'portcullis-session')).toHaveLength(1);
  });
});

describe('every page and redirect of the local stack', () => {
  let stack: TestStack;
  let ctx: PageContext;

  beforeAll(async () => {
    stack = await startTestStack();
    const printed = await seedPeopleDemo(stack, stack.stateDir);
    const password = /password: (\S+)/.exec(printed)![1];
    const port = new URL(stack.url).port;
    const thirdPartyRedirect = `http://127.0.0.1:${port}/partner/cb`;
    const partner = await stack.createClient({ name: 'Partner', scopes: ['read:data'], grantTypes: ['authorization_code'], redirectUris: [thirdPartyRedirect], thirdParty: true });
    ctx = {
      url: stack.url,
      firstParty: { clientId: 'demo-app', redirectUri: `http://127.0.0.1:${port}/demo/app/callback` },
      thirdParty: { clientId: partner.clientId, redirectUri: thirdPartyRedirect },
      username: 'demo',
      password,
    };
  }, 240_000);
  afterAll(() => stack?.stop());

  it('answers each with the security headers and cookie flags (plain http: no Secure, no __Host-)', async () => {
    const jar = new Map<string, string>();
    const results: Array<[string, number, string[]]> = [];
    let signedIn = false;
    for (const p of BROWSER_PAGES) {
      const res = await p.run(ctx, jar);
      results.push([p.name, res.status, [...browserHeaderProblems(seen(res), { secure: false }), ...(p.check?.(res) ?? [])]]);
      signedIn ||= jar.has('portcullis-session');
    }
    expect(results).toEqual(BROWSER_PAGES.map((p) => [p.name, p.status, []]));
    // The list covered the session cookie: set by the sign-in, cleared by the logout at the end.
    expect([signedIn, jar.has('portcullis-session')]).toEqual([true, false]);
  }, 120_000);

  it('serves openapi.yaml as the repository has it, and /docs renders every path of it without script', async () => {
    const yaml = await fetch(`${stack.url}/openapi.yaml`);
    expect([yaml.status, yaml.headers.get('content-type'), yaml.headers.get('x-content-type-options'), yaml.headers.get('cache-control')]).toEqual([200, 'application/yaml;charset=UTF-8', 'nosniff', 'no-store']);
    expect(await yaml.text()).toBe(readFileSync(OPENAPI_FILE, 'utf8'));
    const docs = await (await fetch(`${stack.url}/docs`)).text();
    for (const path of Object.keys(readOpenApi().paths)) expect(docs).toContain(`<code>${path}</code>`);
    expect(docs).not.toMatch(/<script|https?:\/\/cdn/i);
    expect((await fetch(`${stack.url}/docs`, { method: 'POST' })).status).toBe(405);
  });
});

describe('on an https issuer (in process)', () => {
  const ISSUER = 'https://auth.example.com';

  it('the sign-in page, the sign-in redirect, SSO and consent set only Secure __Host- cookies', async () => {
    const w = await peopleWorld({ env: { PORTCULLIS_ISSUER: ISSUER } });
    const jar = new CookieJar();
    const answers = [];
    const { page, res } = await w.signIn(jar, w.query());
    answers.push(page, res);
    answers.push(await w.authorize(w.query(), jar));
    answers.push(await w.authorize(w.query({ prompt: 'login' }), jar));
    answers.push(await w.authorize(w.query({ response_type: 'token' }), jar));
    answers.push(await w.login(new URLSearchParams({ ...formFields(page.body), csrf: 'wrong' }).toString(), jar));
    const cookies = answers.flatMap((a) => a.cookies ?? []);
    expect(cookies.length).toBeGreaterThanOrEqual(2);
    for (const c of cookies) expect(c).toMatch(/^__Host-/);
    expect(answers.map((a) => browserHeaderProblems(seenInProcess(a), { secure: true }))).toEqual(answers.map(() => []));
  });

  it('the demo app sets and clears its flow cookie Secure', async () => {
    const w = await peopleWorld({ env: { PORTCULLIS_ISSUER: ISSUER } });
    const login = await handleDemoAppRequest(browserRequest('GET', '/demo/app/login'), { config: w.config });
    const state = /demo-app-flow=([^.]+)\./.exec(login.cookies![0])![1];
    const refused = async () => new Response('{"error":"invalid_grant"}', { status: 400 });
    const callback = await handleDemoAppRequest(
      { ...browserRequest('GET', '/demo/app/callback'), query: parseQueryString(`code=x&state=${state}&iss=${encodeURIComponent(ISSUER)}`), cookies: new Map([['demo-app-flow', `${state}.v`]]) },
      { config: w.config, fetch: refused as unknown as typeof fetch },
    );
    const landing = await handleDemoAppRequest(browserRequest('GET', '/demo/app'), { config: w.config });
    expect(demoAppRedirectUri(ISSUER)).toBe(`${ISSUER}/demo/app/callback`);
    expect([login, callback, landing].map((a) => browserHeaderProblems(seenInProcess(a), { secure: true }))).toEqual([[], [], []]);
    expect(callback.statusCode).toBe(400);
  });
});
