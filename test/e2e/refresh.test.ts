/**
 * Refresh tokens end to end on the local stack, over HTTP: a user signs in (the hosted form, no browser needed), the
 * code exchange returns a refresh token, refreshing rotates it, and each way of revoking reaches the gateway
 * (/demo/data) within the revocation bound: /oauth2/revoke of the refresh token, `revoke --sub`, `users disable`.
 * `tokens list --sub` shows the families and never a token.
 */
import { createHash, randomBytes } from 'node:crypto';
import { cli, lastJson } from '../../testkit/cli';
import { startTestStack, type TestStack } from '../../testkit/stack';

const REDIRECT = 'https://app.example/cb';
const PASSWORD = 'a long enough passphrase for e2e';
let stack: TestStack;
let client: { clientId: string; secret: string };
beforeAll(async () => {
  stack = await startTestStack();
  client = await stack.createClient({ redirectUris: [REDIRECT], grantTypes: ['authorization_code', 'refresh_token'] });
}, 180_000);
afterAll(() => stack?.stop());

const boundMs = () => stack.config.revocation.refreshMs + stack.config.revocation.maxStalenessMs + 2_000;
const read = (token: string) => fetch(`${stack.url}/demo/data`, { headers: { Authorization: `Bearer ${token}` } }).then((r) => r.status);
const basic = () => `Basic ${Buffer.from(`${client.clientId}:${client.secret}`).toString('base64')}`;
const post = (path: string, body: Record<string, string>) =>
  fetch(`${stack.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic() }, body: new URLSearchParams(body) });

async function untilStatus(token: string, status: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const got = await read(token);
    if (got === status) return Date.now() - started;
    if (Date.now() - started > boundMs()) throw new Error(`still ${got} after ${boundMs()} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function newUser(): Promise<{ username: string; sub: string }> {
  const username = `u${randomBytes(5).toString('hex')}`;
  const out = await cli('admin', ['users', 'create', '--username', username, '--roles', 'reader', '--password-stdin', '--json'], stack.stateDir, {}, `${PASSWORD}\n`);
  expect(out.code).toBe(0);
  return { username, sub: lastJson(out.stdout).sub };
}

/** The hosted sign-in over HTTP: GET authorize (the form and its cookies), POST the form, exchange the code. */
async function signIn(username: string): Promise<{ access_token: string; refresh_token: string }> {
  const verifier = randomBytes(32).toString('base64url');
  const q = new URLSearchParams({ response_type: 'code', client_id: client.clientId, redirect_uri: REDIRECT, scope: 'read:data', state: 's', code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' });
  const page = await fetch(`${stack.url}/oauth2/authorize?${q}`, { redirect: 'manual' });
  expect(page.status).toBe(200);
  const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const fields = Object.fromEntries([...(await page.text()).matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2].replace(/&amp;/g, '&')]));
  const login = await fetch(`${stack.url}/oauth2/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: new URLSearchParams({ ...fields, username, password: PASSWORD }) });
  expect(login.status).toBe(303);
  const code = new URL(login.headers.get('location')!).searchParams.get('code')!;
  const res = await post('/oauth2/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier });
  expect(res.status).toBe(200);
  return (await res.json()) as { access_token: string; refresh_token: string };
}

async function refresh(refreshToken: string) {
  const res = await post('/oauth2/token', { grant_type: 'refresh_token', refresh_token: refreshToken });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

test('sign in → refresh rotates → /oauth2/revoke of the refresh token: its family dies and the gateway denies its access tokens within the bound', async () => {
  const { username } = await newUser();
  const first = await signIn(username);
  expect(first.refresh_token).toBeDefined();
  const next = await refresh(first.refresh_token);
  expect(next.status).toBe(200);
  expect(next.body.refresh_token).not.toBe(first.refresh_token);
  expect(await read(next.body.access_token)).toBe(200);
  expect(await (await post('/oauth2/introspect', { token: next.body.refresh_token })).json()).toMatchObject({ active: true, token_type: 'refresh_token', client_id: client.clientId });

  const revoked = await post('/oauth2/revoke', { token: next.body.refresh_token, token_type_hint: 'refresh_token' });
  expect(revoked.status).toBe(200);
  expect(await (await post('/oauth2/introspect', { token: next.body.refresh_token })).json()).toEqual({ active: false });
  expect(await untilStatus(next.body.access_token, 401)).toBeLessThanOrEqual(boundMs());
  expect(await read(first.access_token)).toBe(401);
  expect((await refresh(next.body.refresh_token)).body.error).toBe('invalid_grant');
});

test('reuse of a superseded token (two generations back: never inside the grace window) kills the family: the newest access token is denied at the gateway', async () => {
  const { username } = await newUser();
  const first = await signIn(username);
  const next = await refresh(first.refresh_token);
  expect(next.status).toBe(200);
  // The grace window (10 s) must pass: rather than wait, reuse the token two generations back (never inside it).
  const third = await refresh(next.body.refresh_token);
  expect(third.status).toBe(200);
  expect((await refresh(first.refresh_token)).body.error).toBe('invalid_grant');
  await untilStatus(third.body.access_token, 401);
  expect((await refresh(third.body.refresh_token)).body.error).toBe('invalid_grant');
});

test('revoke --sub ends the families and their access tokens; tokens list --sub shows them, never a token', async () => {
  const { username, sub } = await newUser();
  const first = await signIn(username);
  const next = await refresh(first.refresh_token);
  const listed = await cli('admin', ['tokens', 'list', '--sub', sub, '--json'], stack.stateDir);
  expect(listed.code).toBe(0);
  const families = lastJson(listed.stdout).families;
  expect(families).toEqual([expect.objectContaining({ client_id: client.clientId, generation: 2, state: 'active', created_at: expect.any(String), last_used_at: expect.any(String), expires_at: expect.any(String) })]);
  expect(listed.stdout).not.toContain(next.body.refresh_token.split('.')[3]);
  const human = await cli('admin', ['tokens', 'list', '--sub', sub], stack.stateDir);
  expect(human.stdout).toContain(client.clientId);

  const out = await cli('admin', ['revoke', '--sub', sub, '--json'], stack.stateDir);
  expect(lastJson(out.stdout)).toMatchObject({ revoked: 'subject', sub, refresh_families_revoked: 1 });
  await untilStatus(next.body.access_token, 401);
  expect((await refresh(next.body.refresh_token)).body.error).toBe('invalid_grant');
  expect(lastJson((await cli('admin', ['tokens', 'list', '--sub', sub, '--json'], stack.stateDir)).stdout).families[0]).toMatchObject({ state: 'revoked', revoked_reason: 'subject_revoked' });
});

test('users disable ends the families and their access tokens within the bound', async () => {
  const { username } = await newUser();
  const first = await signIn(username);
  const next = await refresh(first.refresh_token);
  expect(await read(next.body.access_token)).toBe(200);
  const out = await cli('admin', ['users', 'disable', username], stack.stateDir);
  expect(out.code).toBe(0);
  await untilStatus(next.body.access_token, 401);
  expect((await refresh(next.body.refresh_token)).body.error).toBe('invalid_grant');
});

test('the CLI contract: clients create --refresh-* flags, tokens list needs --sub', async () => {
  const created = await cli('admin', ['clients', 'create', '--name', 'cli-refresh', '--scopes', 'read:data', '--redirect-uris', REDIRECT, '--grant-types', 'authorization_code refresh_token', '--refresh-rotation', 'off', '--refresh-idle-lifetime', '3600', '--json'], stack.stateDir);
  expect(created.code).toBe(0);
  expect(lastJson(created.stdout)).toMatchObject({ grant_types: ['authorization_code', 'refresh_token'], refresh_rotation: false, refresh_idle_lifetime_seconds: 3600, refresh_absolute_lifetime_seconds: null });
  const updated = await cli('admin', ['clients', 'update', lastJson(created.stdout).client_id, '--refresh-rotation', 'on', '--json'], stack.stateDir);
  expect(lastJson(updated.stdout)).toMatchObject({ refresh_rotation: true });
  const bad = await cli('admin', ['clients', 'create', '--name', 'p', '--scopes', 'read:data', '--redirect-uris', REDIRECT, '--grant-types', 'authorization_code refresh_token', '--public', '--refresh-rotation', 'off'], stack.stateDir);
  expect(bad.code).not.toBe(0);
  expect(bad.stderr).toMatch(/public client always rotates/);
  const noSub = await cli('admin', ['tokens', 'list'], stack.stateDir);
  expect(noSub.code).toBe(2);
  expect(noSub.stderr).toMatch(/--sub/);
  expect(lastJson((await cli('admin', ['tokens', 'list', '--sub', 'usr_nobody', '--json'], stack.stateDir)).stdout)).toEqual({ sub: 'usr_nobody', families: [] });
});
