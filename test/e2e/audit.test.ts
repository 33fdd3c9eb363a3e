/** Issue, use, revoke and deny over HTTP → `audit tail --json` shows the events, and never a token or secret. */
import { join } from 'node:path';
import { cli } from '../../testkit/cli';
import { startTestStack, type TestStack } from '../../testkit/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
}, 180_000);
afterAll(() => stack?.stop());

test('the audit trail records every decision with its fields, and no canary leaks', async () => {
  const c = await stack.createClient();
  const token = await stack.token(c.clientId, c.secret, 'read:data');
  // Push the secret and the token through the places a careless logger would copy.
  const canaryHeaders = { 'user-agent': `agent ${token} ${c.secret}`, 'x-forwarded-for': c.secret };
  await fetch(`${stack.url}/demo/data`, { headers: { Authorization: `Bearer ${token}`, ...canaryHeaders } });
  await fetch(`${stack.url}/demo/data`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, ...canaryHeaders } });
  await fetch(`${stack.url}/demo/data`, { headers: { Authorization: `Bearer ${token}x` } });
  await fetch(`${stack.url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...canaryHeaders },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: `${c.secret}-wrong`, scope: token }),
  });
  await fetch(`${stack.url}/oauth2/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${c.clientId}:${c.secret}`).toString('base64')}` },
    body: new URLSearchParams({ token }),
  });
  // The authorizer's events are written at most a second after its decision.
  await new Promise((r) => setTimeout(r, 1500));
  await fetch(`${stack.url}/demo/data`, { headers: { Authorization: `Bearer ${token}` } });

  // Local mode reads the audit file of the stack's state directory (PORTCULLIS_LOCAL_DIR).
  const out = await cli('audit', ['tail', '--json', '--limit', '500', '--client', c.clientId], stack.stateDir);
  expect(out.code).toBe(0);
  const events = out.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const names = events.map((e) => e.event);
  expect(names).toEqual(expect.arrayContaining(['client.created', 'token.issued', 'authz.allowed', 'authz.denied', 'token.denied', 'token.revoked']));

  const issued = events.find((e) => e.event === 'token.issued');
  expect(issued).toMatchObject({ outcome: 'success', client_id: c.clientId, sub: c.clientId, jti: expect.any(String), scopes_granted: ['read:data'], stage: 'local', schema_version: 1 });
  expect(issued.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  expect(typeof issued.latency_ms).toBe('number');
  expect(issued.request_id).toBeDefined();
  const allowed = events.find((e) => e.event === 'authz.allowed');
  expect(allowed).toMatchObject({ client_id: c.clientId, jti: issued.jti, route: 'GET /demo/data' });
  const denied = events.find((e) => e.event === 'authz.denied' && e.reason === 'insufficient_scope');
  expect(denied).toMatchObject({ route: 'POST /demo/data' });
  expect(events.find((e) => e.event === 'token.denied')).toMatchObject({ outcome: 'failure', reason: 'bad_secret' });
  expect(events.find((e) => e.event === 'token.revoked')).toMatchObject({ outcome: 'success', jti: issued.jti });

  // Filters and the human format work too.
  const onlyRevoked = await cli('audit', ['tail', '--json', '--event', 'token.revoked', '--file', join(stack.stateDir, 'audit.log')], stack.stateDir);
  expect(onlyRevoked.stdout.trim().split('\n').every((l) => JSON.parse(l).event === 'token.revoked')).toBe(true);
  const human = await cli('audit', ['tail', '--since', '15m', '--file', join(stack.stateDir, 'audit.log')], stack.stateDir);
  expect(human.stdout).toMatch(/token\.issued/);

  const { readFileSync } = await import('node:fs');
  const raw = readFileSync(join(stack.stateDir, 'audit.log'), 'utf8');
  for (const canary of [token, c.secret, token.split('.')[2]]) expect(raw).not.toContain(canary);
});
