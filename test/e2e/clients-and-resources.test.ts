/**
 * End to end over real HTTP (the local stack: serverless-offline, the local gateway, dynalite): resource
 * indicators with two APIs, each behind its own authorizer configuration (/demo/data: the default audience;
 * /demo/reports: demoReportsAuthorizer, aud https://reports.portcullis.local), a private_key_jwt client, a
 * client over its token quota, and the admin CLI's contract for them (clients create|update|show --json).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { cli, lastJson } from '../../testkit/cli';
import type { Explanation } from '../../infra/cli/troubleshoot/types';
import { assertionForm, clientKey, jwksOf, signAssertion } from '../../testkit/client-assertions';
import { startTestStack, type TestStack } from '../../testkit/stack';

const REPORTS = 'https://reports.portcullis.local';
let stack: TestStack;
let client: { clientId: string; secret: string };

beforeAll(async () => {
  stack = await startTestStack();
  client = await stack.createClient({ scopes: ['read:data', 'write:data', 'read:reports'], defaultScopes: ['read:data'] });
}, 180_000);
afterAll(() => stack?.stop());

const post = (path: string, body: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${stack.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(body) });
const basic = () => ({ authorization: `Basic ${Buffer.from(`${client.clientId}:${client.secret}`).toString('base64')}` });
const get = (path: string, token: string) => fetch(`${stack.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

async function tokenFor(extra: Record<string, string>) {
  const res = await post('/oauth2/token', { grant_type: 'client_credentials', ...extra }, basic());
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

test('a token for the reports API opens it and not the default API; a default token the other way round', async () => {
  const reports = await tokenFor({ resource: REPORTS, scope: 'read:data read:reports' });
  expect(reports.status).toBe(200);
  expect(reports.body.scope).toBe('read:reports');
  expect(decodeJwt(reports.body.access_token).aud).toBe(REPORTS);
  const plain = await tokenFor({ scope: 'read:data read:reports' });
  expect(decodeJwt(plain.body.access_token).aud).toBe(stack.config.audience);

  const ok = await get('/demo/reports', reports.body.access_token);
  expect(ok.status).toBe(200);
  expect(((await ok.json()) as Record<string, string>).scope).toBe('read:reports');
  // The same token at the other API's authorizer: wrong audience → 401 with the RFC 6750 challenge.
  const elsewhere = await get('/demo/data', reports.body.access_token);
  expect(elsewhere.status).toBe(401);
  expect(elsewhere.headers.get('www-authenticate')).toBe('Bearer realm="portcullis", error="invalid_token"');
  // A default-audience token, even one holding read:reports, is refused by the reports API's authorizer.
  expect((await get('/demo/reports', plain.body.access_token)).status).toBe(401);
  expect((await get('/demo/data', plain.body.access_token)).status).toBe(200);
}, 60_000);

test('explain, given the route, checks the audience of the authorizer protecting it and says when that is the problem', async () => {
  const plain = (await tokenFor({ scope: 'read:data read:reports' })).body.access_token;
  const reports = (await tokenFor({ resource: REPORTS, scope: 'read:reports' })).body.access_token;
  const [atReports, atData, ok] = await Promise.all([
    cli('admin', ['explain', plain, '--route', 'GET /demo/reports', '--json'], stack.stateDir),
    cli('admin', ['explain', reports, '--route', 'GET /demo/data', '--json'], stack.stateDir),
    cli('admin', ['explain', reports, '--route', 'GET /demo/reports', '--json'], stack.stateDir),
  ]);
  const audience = (r: { stdout: string }) => (lastJson(r.stdout) as Explanation).checks.find((c) => c.name === 'audience')!;
  expect(atReports.code).toBe(1);
  expect((lastJson(atReports.stdout) as Explanation).verdict).toMatchObject({ effect: 'deny', reason: 'wrong_audience' });
  expect(audience(atReports).detail).toMatch(/default audience.*request it with resource=https:\/\/reports\.portcullis\.local/);
  expect(atData.code).toBe(1);
  expect(audience(atData).detail).toMatch(/another API of this issuer.*request it without resource=/);
  expect(ok.code).toBe(0);
}, 60_000);

test('an undeclared resource → 400 invalid_target', async () => {
  const res = await tokenFor({ resource: 'https://elsewhere.example' });
  expect(res).toEqual({ status: 400, body: { error: 'invalid_target', error_description: 'The resource is not an API this server issues tokens for' } });
}, 30_000);

test('private_key_jwt over HTTP: the assertion is addressed to the token endpoint URL; a replay is refused', async () => {
  const key = clientKey('ES256', 'e2e');
  const { client: signer } = await stack.admin.create({ name: 'e2e-signer', scopes: ['read:data'], authMethod: 'private_key_jwt', jwks: JSON.stringify(jwksOf(key)) });
  const assertion = await signAssertion(key, signer.clientId, `${stack.url}/oauth2/token`, Date.now());
  const form = Object.fromEntries(new URLSearchParams(assertionForm(assertion)));
  const first = await post('/oauth2/token', { grant_type: 'client_credentials', ...form });
  expect(first.status).toBe(200);
  const token = ((await first.json()) as Record<string, string>).access_token;
  expect((await get('/demo/data', token)).status).toBe(200);
  const replay = await post('/oauth2/token', { grant_type: 'client_credentials', ...form });
  expect(replay.status).toBe(401);
  expect(await replay.json()).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed' });
  const meta = (await (await fetch(`${stack.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, string[]>;
  expect(meta.token_endpoint_auth_methods_supported).toContain('private_key_jwt');
  expect(meta.token_endpoint_auth_signing_alg_values_supported).toEqual(['RS256', 'PS256', 'ES256', 'EdDSA']);
}, 30_000);

test('a client over its token quota gets 429 slow_down with Retry-After', async () => {
  const quota = await stack.createClient({ maxTokensPerMinute: 2 });
  const auth = { authorization: `Basic ${Buffer.from(`${quota.clientId}:${quota.secret}`).toString('base64')}` };
  // Five requests span at most two windows, so at most four of them can pass: one at least is refused.
  let last: Response | undefined;
  for (let i = 0; i < 5 && last?.status !== 429; i++) last = await post('/oauth2/token', { grant_type: 'client_credentials' }, auth);
  expect(last!.status).toBe(429);
  expect(((await last!.json()) as Record<string, string>).error).toBe('slow_down');
  const retry = Number(last!.headers.get('retry-after'));
  expect(retry).toBeGreaterThanOrEqual(1);
  expect(retry).toBeLessThanOrEqual(60);
  expect(last!.headers.get('cache-control')).toBe('no-store');
}, 30_000);

describe('the admin CLI', () => {
  const admin = (...args: string[]) => cli('admin', args, stack.stateDir);

  test('clients create --auth-method private_key_jwt --jwks @file --max-tokens-per-minute: no secret, the keys and quota in --json', async () => {
    const dir = mkdtempSync(join(stack.stateDir, 'jwks-'));
    const file = join(dir, 'jwks.json');
    writeFileSync(file, JSON.stringify(jwksOf(clientKey('EdDSA', 'cli'))));
    const created = await admin('clients', 'create', '--name', 'cli-signer', '--scopes', 'read:data', '--auth-method', 'private_key_jwt', '--jwks', `@${file}`, '--max-tokens-per-minute', '5', '--json');
    expect(created.code).toBe(0);
    const c = lastJson(created.stdout);
    expect(c).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', jwks: jwksOf(clientKey('EdDSA', 'cli')), max_tokens_per_minute: 5, scopes: ['read:data'] });
    expect(c).not.toHaveProperty('client_secret');
    expect(created.stdout).not.toMatch(/secret is shown once/);
    const rotate = await admin('clients', 'rotate-secret', c.client_id);
    expect({ code: rotate.code, err: rotate.stderr }).toEqual({ code: 1, err: expect.stringMatching(/^error: .*has no secret/) });
  }, 60_000);

  test('bad keys are refused with a clear error and exit 1; an unknown method too', async () => {
    const priv = await admin('clients', 'create', '--name', 'x', '--scopes', 'read:data', '--auth-method', 'private_key_jwt', '--jwks', '{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}');
    expect({ code: priv.code, err: priv.stderr.trim() }).toEqual({ code: 1, err: 'error: --jwks: a key holds private key material (k): register the PUBLIC keys only' });
    const method = await admin('clients', 'create', '--name', 'x', '--scopes', 'read:data', '--auth-method', 'tls_client_auth');
    expect(method.code).toBe(1);
    expect(method.stderr).toMatch(/--auth-method must be one of client_secret_basic, client_secret_post, private_key_jwt/);
  }, 60_000);

  test('clients update sets and removes a quota, nothing else; clients show displays the quota and its current use', async () => {
    const c = await stack.createClient();
    const set = await admin('clients', 'update', c.clientId, '--max-tokens-per-minute', '3', '--json');
    expect(set.code).toBe(0);
    expect(lastJson(set.stdout)).toMatchObject({ client_id: c.clientId, max_tokens_per_minute: 3, scopes: ['read:data', 'write:data'], status: 'active' });
    // The token endpoint's client cache sees the change within its lifetime (5 s); the first token may predate it.
    await new Promise((r) => setTimeout(r, 5_100));
    const auth = { authorization: `Basic ${Buffer.from(`${c.clientId}:${c.secret}`).toString('base64')}` };
    for (let i = 0; i < 2; i++) expect((await post('/oauth2/token', { grant_type: 'client_credentials' }, auth)).status).toBe(200);
    const shown = lastJson((await admin('clients', 'show', c.clientId, '--json')).stdout);
    expect(shown.token_quota).toMatchObject({ max_tokens_per_minute: 3, window_seconds: 60, window_ends_at: expect.stringMatching(/:00\.000Z$/) });
    expect(shown.token_quota.tokens_this_window).toBeGreaterThanOrEqual(1); // the minute may turn between the two
    const removed = await admin('clients', 'update', c.clientId, '--max-tokens-per-minute', 'none', '--json');
    expect(lastJson(removed.stdout).max_tokens_per_minute).toBeNull();
    expect(lastJson((await admin('clients', 'show', c.clientId, '--json')).stdout)).not.toHaveProperty('token_quota');
    const other = await admin('clients', 'update', c.clientId, '--scopes', 'read:data');
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/changes --max-tokens-per-minute, --jwks, --jwks-uri, --refresh-\* or --post-logout-redirect-uris only/);
  }, 60_000);
});
