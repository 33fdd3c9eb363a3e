import { withMetrics } from '../../lib/audit/metrics-from-events';
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
  expect(emf.find((m) => m.TokenDenied === 1 && m.reason === 'invalid_client')).toBeDefined();
  expect(memory.events.map((e) => e.event)).toEqual(['token.issued', 'token.denied']);
});
