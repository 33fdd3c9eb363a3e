/**
 * What every HTML page and every redirect of portcullis must carry (test/security/browser-headers.test.ts, and the
 * fuzzer for each HTML answer it gets): a CSP that allows no script and no framing, nosniff, no referrer, never
 * cached, and cookies that scripts cannot read, that other sites do not get, and (on https) that only this host can set.
 * BROWSER_PAGES lists the pages and redirects to check; a new page (logout, …) is one more entry.
 */

/** An answer as the checks see it: lower-case header names, each Set-Cookie apart. */
export interface SeenAnswer {
  status: number;
  headers: Record<string, string>;
  setCookies: string[];
}

export interface HeaderCheckOptions {
  /** https issuer: cookies must be Secure, and `__Host-` when their path is /. False only on the local stack's http. */
  secure: boolean;
}

const directive = (csp: string, name: string) =>
  csp
    .split(';')
    .map((d) => d.trim().split(/\s+/))
    .find((d) => d[0].toLowerCase() === name)
    ?.slice(1);

/** The problems of one answer (empty: it passes). */
export function browserHeaderProblems(a: SeenAnswer, opts: HeaderCheckOptions): string[] {
  const out: string[] = [];
  const h = a.headers;
  const isHtml = /^text\/html/i.test(h['content-type'] ?? '');
  const isRedirect = a.status >= 300 && a.status < 400;
  if (!isHtml && !isRedirect) return out;
  const csp = h['content-security-policy'];
  if (!csp) out.push('no Content-Security-Policy');
  else {
    if (directive(csp, 'default-src')?.join(' ') !== "'none'") out.push(`CSP default-src is not 'none': ${csp}`);
    if (directive(csp, 'frame-ancestors')?.join(' ') !== "'none'") out.push(`CSP frame-ancestors is not 'none': ${csp}`);
    if (directive(csp, 'base-uri')?.join(' ') !== "'none'") out.push(`CSP base-uri is not 'none': ${csp}`);
    if (!directive(csp, 'form-action')) out.push(`CSP has no form-action: ${csp}`);
    for (const d of ['script-src', 'script-src-elem', 'script-src-attr']) if (directive(csp, d)) out.push(`CSP allows scripts (${d})`);
    if (/'unsafe-inline'|'unsafe-eval'|\*/.test(csp)) out.push(`CSP has a wildcard or unsafe source: ${csp}`);
  }
  if (h['x-content-type-options'] !== 'nosniff') out.push('no X-Content-Type-Options: nosniff');
  if (h['referrer-policy'] !== 'no-referrer') out.push(`Referrer-Policy is ${h['referrer-policy']}, not no-referrer`);
  if (!/(^|,\s*)no-store(\s*,|$)/.test(h['cache-control'] ?? '')) out.push(`Cache-Control is ${h['cache-control']}, not no-store`);
  if (isHtml && h['x-frame-options'] !== 'DENY') out.push('no X-Frame-Options: DENY');
  for (const c of a.setCookies) out.push(...cookieProblems(c, opts));
  return out;
}

export function cookieProblems(setCookie: string, opts: HeaderCheckOptions): string[] {
  const [pair, ...attrs] = setCookie.split(';').map((s) => s.trim());
  const name = pair.slice(0, pair.indexOf('='));
  const has = (a: string) => attrs.some((x) => x.toLowerCase() === a.toLowerCase());
  const attr = (a: string) => attrs.find((x) => x.toLowerCase().startsWith(`${a.toLowerCase()}=`))?.split('=')[1];
  const out: string[] = [];
  const what = `cookie ${name}`;
  if (!has('HttpOnly')) out.push(`${what}: not HttpOnly`);
  if (!/^(Lax|Strict)$/i.test(attr('SameSite') ?? '')) out.push(`${what}: SameSite is ${attr('SameSite')}, not Lax or Strict`);
  if (!attr('Path')) out.push(`${what}: no Path`);
  if (attr('Domain')) out.push(`${what}: has a Domain (sent to other hosts)`);
  if (opts.secure) {
    if (!has('Secure')) out.push(`${what}: not Secure on an https issuer`);
    if (attr('Path') === '/' && !name.startsWith('__Host-')) out.push(`${what}: Path=/ without the __Host- prefix on an https issuer`);
  } else if (name.startsWith('__Host-') || name.startsWith('__Secure-')) out.push(`${what}: a secure prefix on plain http (browsers drop it)`);
  return out;
}

/** A fetch Response as the checks see it. */
export function seen(res: Response): SeenAnswer {
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => (headers[k] = v));
  return { status: res.status, headers, setCookies: res.headers.getSetCookie() };
}

/** An in-process answer (lib/http/response.ts) as the checks see it. */
export function seenInProcess(res: { statusCode: number; headers: Record<string, string>; cookies?: string[] }): SeenAnswer {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) headers[k.toLowerCase()] = v;
  return { status: res.statusCode, headers, setCookies: res.cookies ?? [] };
}

/** What the page list needs from the running stack. */
export interface PageContext {
  url: string;
  /** A first-party client (public, loopback redirect URI) and a third-party one, both with the code grant. */
  firstParty: { clientId: string; redirectUri: string };
  thirdParty: { clientId: string; redirectUri: string };
  /** A user's credentials. */
  username: string;
  password: string;
}

/** One step of a browser flow: what to request, and (after it) what it must have answered. */
export interface PageVisit {
  name: string;
  /** Expected status (a page that answers otherwise is a broken list, not a pass). */
  status: number;
  run(ctx: PageContext, jar: Map<string, string>): Promise<Response>;
  /** What else this answer must show (problems; empty: it does). */
  check?(res: Response): string[];
}

/** The answer clears this cookie: Max-Age=0 with an empty value (its flags are checked like every cookie's). */
export function clearsCookie(res: Response, name: string): string[] {
  const c = res.headers.getSetCookie().find((x) => x.startsWith(`${name}=`));
  if (!c) return [`does not clear ${name}`];
  return /^[^=]+=;/.test(c) && /;\s*max-age=0(;|$)/i.test(c) ? [] : [`${name} not cleared: ${c}`];
}

const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
export const authorizeQuery = (clientId: string, redirectUri: string, over: Record<string, string> = {}) =>
  new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope: 'read:data', state: 'st', code_challenge: challenge, code_challenge_method: 'S256', ...over }).toString();

/** Sends the jar's cookies, keeps the ones the answer sets. */
export async function visit(url: string, jar: Map<string, string>, init: RequestInit = {}): Promise<Response> {
  const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const res = await fetch(url, { redirect: 'manual', ...init, headers: { ...(cookie ? { cookie } : {}), ...(init.headers as Record<string, string>) } });
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const i = pair.indexOf('=');
    if (/max-age=0/i.test(c)) jar.delete(pair.slice(0, i));
    else jar.set(pair.slice(0, i), pair.slice(i + 1));
  }
  return res;
}

/** The hidden fields of a page's form. */
export function hiddenFields(page: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    out[m[1]] = m[2].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#96;/g, '`').replace(/&amp;/g, '&');
  }
  return out;
}

const form = { 'content-type': 'application/x-www-form-urlencoded' };
let lastPage = '';
let lastLocation = '';
const keep = async (res: Response) => {
  lastPage = await res.clone().text();
  return res;
};
const keepLocation = (res: Response) => {
  lastLocation = res.headers.get('location') ?? '';
  return res;
};

/**
 * Every HTML page and redirect, in the order a browser meets them (one jar for the whole list: sign-in, SSO, consent,
 * the demo app, then RP-initiated logout: the demo app's sign-out, the confirmation page, an unregistered URI, the
 * confirmed logout that clears the session cookie).
 */
export const BROWSER_PAGES: PageVisit[] = [
  { name: 'authorize: unknown client (error page)', status: 400, run: (c, j) => visit(`${c.url}/oauth2/authorize?${authorizeQuery('nobody', c.firstParty.redirectUri)}`, j) },
  { name: 'authorize: another method (405 page)', status: 405, run: (c, j) => visit(`${c.url}/oauth2/authorize`, j, { method: 'POST' }) },
  { name: 'authorize: error redirect to the client', status: 302, run: (c, j) => visit(`${c.url}/oauth2/authorize?${authorizeQuery(c.firstParty.clientId, c.firstParty.redirectUri, { response_type: 'token' })}`, j) },
  { name: 'login: GET (405 page)', status: 405, run: (c, j) => visit(`${c.url}/oauth2/login`, j) },
  { name: 'authorize: the sign-in page (sets the CSRF cookie)', status: 200, run: async (c, j) => keep(await visit(`${c.url}/oauth2/authorize?${authorizeQuery(c.firstParty.clientId, c.firstParty.redirectUri)}`, j)) },
  { name: 'login: wrong CSRF token (error page)', status: 400, run: (c, j) => visit(`${c.url}/oauth2/login`, j, { method: 'POST', headers: form, body: new URLSearchParams({ ...hiddenFields(lastPage), csrf: 'x', username: c.username, password: c.password }).toString() }) },
  { name: 'authorize: the sign-in page again', status: 200, run: async (c, j) => keep(await visit(`${c.url}/oauth2/authorize?${authorizeQuery(c.firstParty.clientId, c.firstParty.redirectUri)}`, j)) },
  { name: 'login: wrong password (the form again)', status: 400, run: async (c, j) => keep(await visit(`${c.url}/oauth2/login`, j, { method: 'POST', headers: form, body: new URLSearchParams({ ...hiddenFields(lastPage), username: c.username, password: `${c.password}x` }).toString() })) },
  { name: 'login: signed in (redirect with the code, sets the session cookie)', status: 303, run: (c, j) => visit(`${c.url}/oauth2/login`, j, { method: 'POST', headers: form, body: new URLSearchParams({ ...hiddenFields(lastPage), username: c.username, password: c.password }).toString() }) },
  { name: 'authorize: SSO (redirect with a code, no form)', status: 302, run: (c, j) => visit(`${c.url}/oauth2/authorize?${authorizeQuery(c.firstParty.clientId, c.firstParty.redirectUri)}`, j) },
  { name: 'authorize: the consent page (third-party client)', status: 200, run: async (c, j) => keep(await visit(`${c.url}/oauth2/authorize?${authorizeQuery(c.thirdParty.clientId, c.thirdParty.redirectUri)}`, j)) },
  { name: 'consent: GET (405 page)', status: 405, run: (c, j) => visit(`${c.url}/oauth2/consent`, j) },
  { name: 'consent: deny (redirect with access_denied)', status: 303, run: (c, j) => visit(`${c.url}/oauth2/consent`, j, { method: 'POST', headers: form, body: new URLSearchParams({ ...hiddenFields(lastPage), decision: 'deny' }).toString() }) },
  { name: 'authorize: prompt=login (the sign-in page over a session)', status: 200, run: (c, j) => visit(`${c.url}/oauth2/authorize?${authorizeQuery(c.firstParty.clientId, c.firstParty.redirectUri, { prompt: 'login' })}`, j) },
  { name: 'demo app: the landing page', status: 200, run: (c, j) => visit(`${c.url}/demo/app`, j) },
  { name: 'demo app: login (redirect, sets the flow cookie)', status: 302, run: (c, j) => visit(`${c.url}/demo/app/login`, j) },
  { name: 'demo app: callback with a refused code (error page, clears the flow cookie)', status: 400, run: (c, j) => visit(`${c.url}/demo/app/callback?${new URLSearchParams({ code: 'nope', state: (j.get('demo-app-flow') ?? '').split('.')[0], iss: c.url })}`, j) },
  { name: 'demo app: callback without the flow (error page)', status: 400, run: (c, j) => visit(`${c.url}/demo/app/callback?code=x&state=y`, j) },
  { name: 'demo app: logout (redirect to the end_session_endpoint, clears its id_token cookie)', status: 302, run: async (c, j) => keepLocation(await visit(`${c.url}/demo/app/logout`, j)) },
  { name: 'logout: the confirmation page (signed in, no hint)', status: 200, run: async (_c, j) => keep(await visit(`${lastLocation}&state=st`, j)) },
  { name: 'logout: an unregistered post_logout_redirect_uri (error page, no redirect)', status: 400, run: (c, j) => visit(`${c.url}/oauth2/logout?${new URLSearchParams({ client_id: c.firstParty.clientId, post_logout_redirect_uri: 'https://evil.example/' })}`, j) },
  {
    name: 'logout: confirmed (redirect to the registered URI with state, clears the session cookie)',
    status: 303,
    run: (c, j) => visit(`${c.url}/oauth2/logout`, j, { method: 'POST', headers: form, body: new URLSearchParams({ ...hiddenFields(lastPage), decision: 'logout' }).toString() }),
    check: (res) => [...clearsCookie(res, 'portcullis-session'), ...(new URL(res.headers.get('location') ?? 'x:/').searchParams.get('state') === 'st' ? [] : [`Location ${res.headers.get('location')}`])],
  },
  { name: 'docs: the rendered API description', status: 200, run: (c, j) => visit(`${c.url}/docs`, j) },
];
