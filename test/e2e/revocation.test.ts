/**
 * Revocation reaches the gateway: over real HTTP against serverless-offline (no authorizer result cache),
 * a revoked token is refused by the demo route within the configured bound, and introspection agrees.
 */
import { cli, lastJson } from '../../testkit/cli';
import { startTestStack, type TestStack } from '../../testkit/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
}, 180_000);
afterAll(() => stack?.stop());

const boundMs = () => stack.config.revocation.refreshMs + stack.config.revocation.maxStalenessMs + 2_000;
const read = (token: string) => fetch(`${stack.url}/demo/data`, { headers: { Authorization: `Bearer ${token}` } }).then((r) => r.status);
const post = (path: string, c: { clientId: string; secret: string }, body: Record<string, string>) =>
  fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${c.clientId}:${c.secret}`).toString('base64')}` },
    body: new URLSearchParams(body),
  });

/** Polls until the route answers `status`, failing after the revocation bound. Returns the time it took. */
async function untilStatus(token: string, status: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const got = await read(token);
    if (got === status) return Date.now() - started;
    if (Date.now() - started > boundMs()) throw new Error(`still ${got} after ${boundMs()} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('token works → RFC 7009 revoke → the gateway answers 401 within the bound; introspection says inactive', async () => {
  const c = await stack.createClient();
  const token = await stack.token(c.clientId, c.secret);
  const other = await stack.token(c.clientId, c.secret);
  expect(await read(token)).toBe(200);
  const res = await post('/oauth2/revoke', c, { token, token_type_hint: 'access_token' });
  expect(res.status).toBe(200);
  expect(await res.text()).toBe('');
  const tookMs = await untilStatus(token, 401);
  expect(tookMs).toBeLessThanOrEqual(boundMs());
  expect(await (await post('/oauth2/introspect', c, { token })).json()).toEqual({ active: false });
  // Only that token.
  expect(await read(other)).toBe(200);
});

test('client B cannot revoke client A\'s token', async () => {
  const a = await stack.createClient();
  const b = await stack.createClient();
  const token = await stack.token(a.clientId, a.secret);
  const res = await post('/oauth2/revoke', b, { token });
  expect(res.status).toBe(400);
  expect(((await res.json()) as { error: string }).error).toBe('unauthorized_client');
  await new Promise((r) => setTimeout(r, stack.config.revocation.refreshMs * 2));
  expect(await read(token)).toBe(200);
});

test('revoke --client: every token issued so far dies, new ones work', async () => {
  const c = await stack.createClient();
  const token = await stack.token(c.clientId, c.secret);
  expect(await read(token)).toBe(200);
  const out = await cli('admin', ['revoke', '--client', c.clientId, '--json'], stack.stateDir);
  expect(out.code).toBe(0);
  expect(lastJson(out.stdout)).toMatchObject({ revoked: 'client', client_id: c.clientId });
  await untilStatus(token, 401);
  await new Promise((r) => setTimeout(r, 1100)); // tokens of the revoke's own second die too
  const fresh = await stack.token(c.clientId, c.secret);
  await untilStatus(fresh, 200);
});

test('revoke --sub: every token of that subject dies', async () => {
  const c = await stack.createClient();
  const token = await stack.token(c.clientId, c.secret);
  const out = await cli('admin', ['revoke', '--sub', c.clientId, '--json'], stack.stateDir);
  expect(lastJson(out.stdout)).toMatchObject({ revoked: 'subject', sub: c.clientId });
  await untilStatus(token, 401);
  expect(await (await post('/oauth2/introspect', c, { token })).json()).toEqual({ active: false });
});

test('disabling a client stops its existing tokens and its token requests', async () => {
  const c = await stack.createClient();
  const token = await stack.token(c.clientId, c.secret);
  const out = await cli('admin', ['clients', 'disable', c.clientId, '--json'], stack.stateDir);
  expect(lastJson(out.stdout).status).toBe('disabled');
  await untilStatus(token, 401);
  // Within the token endpoint's client cache bound.
  await new Promise((r) => setTimeout(r, stack.config.clientCacheTtlMs));
  const res = await post('/oauth2/token', c, { grant_type: 'client_credentials' });
  expect(res.status).toBe(401);
});

test('revoke --jti from the CLI', async () => {
  const c = await stack.createClient();
  const token = await stack.token(c.clientId, c.secret);
  const jti = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).jti;
  const out = await cli('admin', ['revoke', '--jti', jti, '--json'], stack.stateDir);
  expect(lastJson(out.stdout)).toMatchObject({ revoked: 'token', jti });
  await untilStatus(token, 401);
});
