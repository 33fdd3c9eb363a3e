import { countAuditEvent, withMetrics } from '../../lib/audit/metrics-from-events';
import type { AuditEvent } from '../../lib/audit/types';
import { createMetrics } from '../../lib/observability/metrics';
import { handleTokenRequest } from '../../lib/endpoints/token';
import { basic, formRequest, tokenFixture } from '../../testkit/token-fixture';
import { MemoryAuditSink } from '../../testkit/memory-audit-sink';

test('token endpoint decisions become metrics, written at most once a second: TokensIssued and TokenDenied{reason=invalid_client}', async () => {
  const f = await tokenFixture();
  const lines: string[] = [];
  const memory = new MemoryAuditSink();
  const audit = withMetrics({ emit: (e) => memory.emit(e), flush: () => memory.flush(), maybeFlush: async () => {} }, createMetrics({ service: 'portcullis', stage: 't' }, { write: (l) => lines.push(l), clock: f.clock }));
  const deps = { ...f.deps, audit };
  const { client, secret } = await f.admin.create({ name: 'a', scopes: ['read:data'] });
  await handleTokenRequest(formRequest('grant_type=client_credentials', { Authorization: basic(client.clientId, secret) }), deps);
  await handleTokenRequest(formRequest('grant_type=client_credentials', { Authorization: basic(client.clientId, 'nope') }), deps);
  // EMF is written at most once a second per container: the denial is still buffered.
  expect(lines.some((l) => JSON.parse(l).TokenDenied)).toBe(false);
  f.clock.advance(1001);
  await audit.flush();
  const emf = lines.map((l) => JSON.parse(l));
  expect(emf.find((m) => m.TokensIssued === 1)).toBeDefined();
  expect(emf.find((m) => m.Denials === 1 && m.ClientAuthFailures === 1)).toBeDefined();
  expect(emf.find((m) => m.TokenDenied === 1 && m.reason === 'invalid_client')).toBeDefined();
  expect(memory.events.map((e) => e.event)).toEqual(['token.issued', 'token.denied']);
});

test('each kind of event feeds the metrics the alarms and the dashboard watch', () => {
  const lines: string[] = [];
  const metrics = createMetrics({ service: 'portcullis', stage: 't' }, { write: (l) => lines.push(l) });
  const events: AuditEvent[] = [
    { event: 'authz.denied', outcome: 'failure', reason: 'internal_error', latency_ms: 1 },
    { event: 'authz.denied', outcome: 'failure', reason: 'expired', latency_ms: 2 },
    { event: 'authz.allowed', outcome: 'success', reason: 'allowed', latency_ms: 3 },
    { event: 'token.revoked', outcome: 'failure', reason: 'bad_secret', detail: { error: 'invalid_client' } },
    { event: 'token.introspected', outcome: 'failure', reason: 'unknown_client', detail: { error: 'invalid_client' } },
    { event: 'token.revoked', outcome: 'success', jti: 'j1' },
    { event: 'revocation.client', outcome: 'success', client_id: 'c' },
    { event: 'client.locked_out', outcome: 'failure', reason: 'too_many_failures' },
    { event: 'user.locked', outcome: 'failure', reason: 'too_many_failures' },
    { event: 'login.failed', outcome: 'failure', reason: 'bad_password' },
    { event: 'token.denied', outcome: 'failure', reason: 'internal_error', detail: { error: 'server_error' } },
    { event: 'refresh.reused', outcome: 'failure', reason: 'refresh_token_reused', detail: { family: 'g' } },
    { event: 'token.revoked', outcome: 'success', detail: { token_type: 'refresh_token', gid: 'g' } },
    { event: 'token.revoked', outcome: 'success', reason: 'nothing_to_revoke:unknown_refresh_token', detail: { token_type: 'refresh_token' } },
  ];
  for (const e of events) countAuditEvent(metrics, e);
  metrics.flush();
  const out = lines.map((l) => JSON.parse(l));
  expect(out[0]).toMatchObject({ AuthorizerAllow: 1, Revocations: 3, Denials: 3, ClientAuthFailures: 2, Lockouts: 2, LoginFailures: 1, InternalErrors: 2, RefreshTokenReuse: 1 });
  expect(out[0].AuthorizerLatency).toEqual([1, 2, 3]);
  expect(out.find((l) => l.reason === 'internal_error')).toMatchObject({ AuthorizerDeny: 1 });
  expect(out.find((l) => l.reason === 'server_error')).toMatchObject({ TokenDenied: 1 });
});
