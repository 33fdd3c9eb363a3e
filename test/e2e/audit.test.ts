/**
 * Issue, use, revoke and deny over HTTP against the local stack → the functions wrote their events to stdout, the
 * stack captured them into the audit file: `audit tail --json` and `audit report --json` read them back, in order,
 * and never a token or secret.
 */
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
  // Written before each answer: no wait for a flush (the revoked token is still allowed until the snapshot refreshes).
  await fetch(`${stack.url}/demo/data`, { headers: { Authorization: `Bearer ${token}` } });

  // Local mode reads the audit file of the stack's state directory (PORTCULLIS_LOCAL_DIR).
  const out = await cli('audit', ['tail', '--json', '--limit', '500', '--client', c.clientId], stack.stateDir);
  expect(out.code).toBe(0);
  const events = out.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const names = events.map((e) => e.event);
  expect(names).toEqual(expect.arrayContaining(['client.created', 'token.issued', 'authz.allowed', 'authz.denied', 'token.denied', 'token.revoked']));

  const issued = events.find((e) => e.event === 'token.issued');
  expect(issued).toMatchObject({ level: 'INFO', outcome: 'success', client_id: c.clientId, sub: c.clientId, jti: expect.any(String), scopes_granted: ['read:data'], stage: 'local', schema_version: 2 });
  expect(issued.function).toMatch(/token/);
  // In the order the requests were answered (the forged token's denial names no client: --client leaves it out).
  expect(names.filter((n: string) => n !== 'client.created')).toEqual(['token.issued', 'authz.allowed', 'authz.denied', 'token.denied', 'token.revoked', 'authz.allowed']);
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
  // Only audit events were captured from the functions' stdout (no operational log, EMF or serverless-offline line).
  for (const line of raw.trimEnd().split('\n')) expect(JSON.parse(line)).toMatchObject({ event: expect.any(String), schema_version: expect.any(Number) });

  // `audit report` reads the same events back.
  const report = await cli('audit', ['report', '--json', '--since', '15m'], stack.stateDir);
  expect(report.code).toBe(0);
  const r = JSON.parse(report.stdout.trim().split('\n').at(-1)!);
  expect(r.top_clients_by_tokens).toEqual(expect.arrayContaining([{ client_id: c.clientId, tokens: 1 }]));
  expect(r.top_clients_by_denials).toEqual(expect.arrayContaining([{ client_id: c.clientId, denials: expect.any(Number) }]));
  expect(r.denials_by_reason).toEqual(expect.arrayContaining([{ event: 'authz.denied', reason: 'insufficient_scope', count: 1 }, { event: 'token.denied', reason: 'bad_secret', count: 1 }]));
  expect(r.new_source_ips.map((x: { client_id: string }) => x.client_id)).toContain(c.clientId);
  expect(report.stdout).not.toContain(c.secret);
});
