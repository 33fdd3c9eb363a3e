/**
 * RFC 8707 in the code flow, end to end on the local stack over HTTP (the hosted form, no browser needed): a user
 * token requested with `resource=https://reports.portcullis.local` at /oauth2/authorize is for the reports API only —
 * accepted by its authorizer at GET /demo/reports, refused (wrong audience) at GET /demo/data — and so are the access
 * tokens of its refresh family. An undeclared resource is invalid_target at the client's redirect URI.
 */
import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { cli, lastJson } from '../../testkit/cli';
import { startTestStack, type TestStack } from '../../testkit/stack';

const REPORTS = 'https://reports.portcullis.local';
const REDIRECT = 'https://app.example/cb';
const PASSWORD = 'a long enough passphrase for e2e';
let stack: TestStack;
let client: { clientId: string; secret: string };
let username: string;

beforeAll(async () => {
  // A role that may read the reports (the demo's roles give only read:data / write:data).
  stack = await startTestStack({ PORTCULLIS_ROLES: JSON.stringify({ reader: ['read:data'], writer: ['read:data', 'write:data'], analyst: ['read:data', 'read:reports'] }) });
  client = await stack.createClient({ scopes: ['read:data', 'read:reports'], redirectUris: [REDIRECT], grantTypes: ['authorization_code', 'refresh_token'] });
  username = `u${randomBytes(5).toString('hex')}`;
  const out = await cli('admin', ['users', 'create', '--username', username, '--roles', 'analyst', '--password-stdin', '--json'], stack.stateDir, {}, `${PASSWORD}\n`);
  expect(out.code).toBe(0);
  expect(lastJson(out.stdout).sub).toEqual(expect.any(String));
}, 180_000);
afterAll(() => stack?.stop());

const basic = () => `Basic ${Buffer.from(`${client.clientId}:${client.secret}`).toString('base64')}`;
const token = async (body: Record<string, string>) => {
  const res = await fetch(`${stack.url}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic() }, body: new URLSearchParams(body) });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
};
const get = (path: string, t: string) => fetch(`${stack.url}${path}`, { headers: { authorization: `Bearer ${t}` } });

function authorizeQuery(over: Record<string, string>) {
  const verifier = randomBytes(32).toString('base64url');
  const q = new URLSearchParams({ response_type: 'code', client_id: client.clientId, redirect_uri: REDIRECT, scope: 'read:data read:reports', state: 's-1', code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256', ...over });
  return { q, verifier };
}

/** GET authorize (the form and its cookies), POST the form: the redirect's parameters, and the verifier. */
async function signIn(over: Record<string, string>) {
  const { q, verifier } = authorizeQuery(over);
  const page = await fetch(`${stack.url}/oauth2/authorize?${q}`, { redirect: 'manual' });
  expect(page.status).toBe(200);
  const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const fields = Object.fromEntries([...(await page.text()).matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2].replace(/&amp;/g, '&')]));
  const login = await fetch(`${stack.url}/oauth2/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: new URLSearchParams({ ...fields, username, password: PASSWORD }) });
  expect(login.status).toBe(303);
  return { params: new URL(login.headers.get('location')!).searchParams, verifier };
}

test('a user token for the reports API (code flow with resource=) opens GET /demo/reports and not GET /demo/data; so do its refreshes', async () => {
  const { params, verifier } = await signIn({ resource: REPORTS });
  const code = params.get('code')!;
  expect(code).toEqual(expect.any(String));
  const res = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier });
  expect(res.status).toBe(200);
  expect(res.body.scope).toBe('read:reports');
  expect(decodeJwt(res.body.access_token)).toMatchObject({ aud: REPORTS, scope: 'read:reports' });

  const ok = await get('/demo/reports', res.body.access_token);
  expect(ok.status).toBe(200);
  expect(((await ok.json()) as Record<string, string>).scope).toBe('read:reports');
  const elsewhere = await get('/demo/data', res.body.access_token);
  expect(elsewhere.status).toBe(401);
  expect(elsewhere.headers.get('www-authenticate')).toBe('Bearer realm="portcullis", error="invalid_token"');

  // The refresh family keeps the audience; another resource at refresh is invalid_target.
  const wrong = await token({ grant_type: 'refresh_token', refresh_token: res.body.refresh_token, resource: stack.config.audience });
  expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_target' } });
  const next = await token({ grant_type: 'refresh_token', refresh_token: res.body.refresh_token });
  expect(next.status).toBe(200);
  expect(decodeJwt(next.body.access_token).aud).toBe(REPORTS);
  expect((await get('/demo/reports', next.body.access_token)).status).toBe(200);
  expect((await get('/demo/data', next.body.access_token)).status).toBe(401);
}, 60_000);

test('without resource the same user gets a default-audience token: /demo/data opens, /demo/reports refuses it', async () => {
  const { params, verifier } = await signIn({ scope: 'read:data' });
  const res = await token({ grant_type: 'authorization_code', code: params.get('code')!, redirect_uri: REDIRECT, code_verifier: verifier });
  expect(decodeJwt(res.body.access_token).aud).toBe(stack.config.audience);
  expect((await get('/demo/data', res.body.access_token)).status).toBe(200);
  expect((await get('/demo/reports', res.body.access_token)).status).toBe(401);
}, 60_000);

test('an undeclared resource is invalid_target at the redirect URI (with state and iss), before any sign-in', async () => {
  const { q } = authorizeQuery({ resource: 'https://elsewhere.example/api' });
  const res = await fetch(`${stack.url}/oauth2/authorize?${q}`, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const p = new URL(res.headers.get('location')!);
  expect(`${p.origin}${p.pathname}`).toBe(REDIRECT);
  expect(Object.fromEntries(p.searchParams)).toMatchObject({ error: 'invalid_target', state: 's-1', iss: stack.config.issuer });
}, 30_000);
