/**
 * The password grant end to end over real HTTP, on a local stack whose configuration turns it on
 * (PORTCULLIS_PASSWORD_GRANT_ENABLED, i.e. custom.portcullis.passwordGrant.enabled: true): the admin CLI registers a
 * password client (and warns), the token opens the API behind the authorizer, the user's lockout applies, the audit
 * trail has WARN lines without the password, and `doctor` warns. (Off by default: test/people/password-grant.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import type { DoctorReport } from '../../infra/cli/troubleshoot/types';
import { cli, lastJson } from '../../testkit/cli';
import { startTestStack, type TestStack } from '../../testkit/stack';

const PASSWORD = 'e2e password grant secret 1';
let stack: TestStack;
let legacy: { client_id: string; client_secret: string };
let sub: string;
let created: { code: number; stderr: string };

beforeAll(async () => {
  stack = await startTestStack({ PORTCULLIS_PASSWORD_GRANT_ENABLED: 'true' });
  const user = await cli('admin', ['users', 'create', '--username', 'erin', '--roles', 'reader', '--password-stdin', '--json'], stack.stateDir, {}, `${PASSWORD}\n`);
  expect(user.code).toBe(0);
  sub = lastJson(user.stdout).sub;
  const client = await cli('admin', ['clients', 'create', '--name', 'legacy', '--scopes', 'read:data write:data', '--grant-types', 'password', '--json'], stack.stateDir);
  created = client;
  legacy = lastJson(client.stdout);
}, 180_000);
afterAll(() => stack?.stop());

const password = async (form: Record<string, string>) => {
  const res = await fetch(`${stack.url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${legacy.client_id}:${legacy.client_secret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'password', ...form }),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Record<string, string> };
};

test('clients create accepts the password grant type and warns on stderr (stdout stays the --json contract)', () => {
  expect(created.code).toBe(0);
  expect(created.stderr).toMatch(/warning: this client may use the password grant.*RFC 9700 §2\.4.*authorization code flow with PKCE.*client_credentials/s);
  expect(legacy).toMatchObject({ grant_types: ['password'], token_endpoint_auth_method: 'client_secret_basic' });
});

test('a token for the user (scope capped by their roles, no refresh token) that opens the API behind the authorizer', async () => {
  const res = await password({ username: 'erin', password: PASSWORD, scope: 'read:data write:data' });
  expect(res.status).toBe(200);
  expect(res.body.scope).toBe('read:data');
  expect(res.body.refresh_token).toBeUndefined();
  expect(decodeJwt(res.body.access_token)).toMatchObject({ sub, client_id: legacy.client_id });
  const api = await fetch(`${stack.url}/demo/data`, { headers: { authorization: `Bearer ${res.body.access_token}` } });
  expect(api.status).toBe(200);
  const metadata = (await (await fetch(`${stack.url}/.well-known/oauth-authorization-server`)).json()) as { grant_types_supported: string[] };
  expect(metadata.grant_types_supported).toContain('password');
});

test('the user\'s lockout: past the free attempts 429 invalid_grant with Retry-After, even with the right password', async () => {
  let last = await password({ username: 'erin', password: 'wrong 0' });
  for (let i = 1; i < 10 && last.status !== 429; i++) last = await password({ username: 'erin', password: `wrong ${i}` });
  expect({ status: last.status, error: last.body.error }).toEqual({ status: 429, error: 'invalid_grant' });
  expect(Number(last.retryAfter)).toBeGreaterThan(0);
  const right = await password({ username: 'erin', password: PASSWORD });
  expect({ status: right.status, error: right.body.error }).toEqual({ status: 429, error: 'invalid_grant' });
});

test('the audit trail: every password-grant line at WARN, none with the password; doctor warns while the grant is on', async () => {
  await new Promise((r) => setTimeout(r, 500)); // the stack appends the functions' stdout to the audit file
  const lines = readFileSync(join(stack.stateDir, 'audit.log'), 'utf8').trim().split('\n');
  const ours = lines.filter((l) => l.includes('"grant_type":"password"'));
  expect(ours.length).toBeGreaterThanOrEqual(4);
  for (const l of ours) expect(l.startsWith('{"level":"WARN",')).toBe(true);
  expect(ours.some((l) => l.includes('"event":"token.issued"'))).toBe(true);
  expect(ours.some((l) => l.includes('"reason":"user_locked_out"'))).toBe(true);
  expect(lines.filter((l) => l.includes(PASSWORD))).toEqual([]);

  const doctor = await cli('admin', ['doctor', '--json'], stack.stateDir);
  const report = lastJson(doctor.stdout) as DoctorReport;
  const finding = report.findings.find((f) => f.id === 'password-grant.enabled');
  expect(finding).toMatchObject({ severity: 'warning' });
  expect(finding!.message).toContain(legacy.client_id);
}, 60_000);
