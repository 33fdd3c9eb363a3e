/**
 * Per-client token quotas at the token endpoint: exact across containers under concurrency (counters in dynalite),
 * 429 slow_down with a correct Retry-After, an audit event and a metric per refusal, no cost for clients without one.
 */
import { withMetrics } from '../../lib/audit/metrics-from-events';
import { CachedClientLookup } from '../../lib/clients/client-cache';
import { TokenQuota } from '../../lib/clients/token-quota';
import { handleTokenRequest, type TokenEndpointDeps } from '../../lib/endpoints/token';
import { createMetrics } from '../../lib/observability/metrics';
import { DocTable } from '../../lib/stores/dynamo/doc-table';
import { DynamoTokenQuotaStore } from '../../lib/stores/dynamo/token-quota-store';
import { createDynamoClient } from '../../lib/stores/dynamo/client';
import { startDynalite, type TestDynamo } from '../../testkit/dynalite';
import { MemoryAuditSink } from '../../testkit/memory-audit-sink';
import { MemoryTokenQuotaStore } from '../../testkit/memory/token-quota-store';
import { basic, formRequest, responseBody, tokenFixture } from '../../testkit/token-fixture';

let ddb: TestDynamo;
beforeAll(async () => {
  ddb = await startDynalite();
});
afterAll(() => ddb.close());

/** 12:00:15.300 UTC: the minute window ends in 44.7 s. */
const T0 = Date.UTC(2026, 5, 1, 12, 0, 15, 300);

async function world(maxTokensPerMinute?: number) {
  const f = await tokenFixture();
  f.clock.set(T0);
  const { client, secret } = await f.admin.create({ name: 'q', scopes: ['read:data'], maxTokensPerMinute });
  /** One Lambda container: its own client cache, quota memory and DynamoDB client, the shared table. */
  const container = (): TokenEndpointDeps => {
    const table = new DocTable(createDynamoClient({ region: 'us-east-1', endpoint: ddb.endpoint, timeoutMs: 5_000 }), ddb.tableName, f.clock);
    return { ...f.deps, clients: new CachedClientLookup(f.store, f.config.clientCacheTtlMs, 100, f.clock), quota: new TokenQuota(new DynamoTokenQuotaStore(table), { clock: f.clock }) };
  };
  const call = (deps: TokenEndpointDeps, body = 'grant_type=client_credentials') => handleTokenRequest(formRequest(body, { Authorization: basic(client.clientId, secret) }), deps);
  return { ...f, client, secret, container, call };
}

test('exact across containers: 60 concurrent requests from 3 containers, a quota of 10 → exactly 10 tokens', async () => {
  const w = await world(10);
  const containers = [w.container(), w.container(), w.container()];
  const results = await Promise.all(Array.from({ length: 60 }, (_, i) => w.call(containers[i % 3])));
  const statuses = results.map((r) => r.statusCode);
  expect(statuses.filter((s) => s === 200)).toHaveLength(10);
  expect(statuses.filter((s) => s === 429)).toHaveLength(50);
  expect(w.audit.events.filter((e) => e.event === 'token.issued')).toHaveLength(10);
  expect(w.audit.events.filter((e) => e.event === 'token.denied' && e.reason === 'quota_exceeded')).toHaveLength(50);
});

test('over the quota: 429 slow_down, Retry-After = seconds until the window ends, no-store; the next window admits again', async () => {
  const w = await world(2);
  const deps = w.container();
  expect((await w.call(deps)).statusCode).toBe(200);
  expect((await w.call(deps)).statusCode).toBe(200);
  const over = await w.call(deps);
  expect({ status: over.statusCode, body: responseBody(over), retry: over.headers['Retry-After'], cache: over.headers['Cache-Control'] }).toEqual({
    status: 429,
    body: { error: 'slow_down', error_description: 'The client has used its token quota for this minute; retry after the Retry-After delay' },
    retry: '45',
    cache: 'no-store',
  });
  expect(over.headers['WWW-Authenticate']).toBeUndefined();
  expect(w.audit.events.at(-1)).toMatchObject({ event: 'token.denied', outcome: 'failure', client_id: w.client.clientId, reason: 'quota_exceeded', detail: { error: 'slow_down' } });
  // Refused from this container's memory now: the Retry-After counts down.
  w.clock.set(Date.UTC(2026, 5, 1, 12, 0, 50));
  expect((await w.call(deps)).headers['Retry-After']).toBe('10');
  w.clock.set(Date.UTC(2026, 5, 1, 12, 0, 59, 900));
  expect((await w.call(deps)).headers['Retry-After']).toBe('1');
  // Another container learns it from the store, with the same Retry-After.
  expect((await w.call(w.container())).headers['Retry-After']).toBe('1');
  w.clock.set(Date.UTC(2026, 5, 1, 12, 1, 0));
  expect((await w.call(deps)).statusCode).toBe(200);
});

test('token requests count, refused by their grant or not: the quota is checked before the grant, so a refused request never spends an authorization code', async () => {
  const w = await world(1);
  const deps = w.container();
  expect((await w.call(deps, 'grant_type=client_credentials&scope=write%3Adata')).statusCode).toBe(400);
  const refused = await w.call(deps);
  expect(refused.statusCode).toBe(429);
  expect(JSON.parse(refused.body).error).toBe('slow_down');
});

test('a client without a quota costs no quota call; a quota store that fails is 503, never a token', async () => {
  const free = await world();
  const store = new MemoryTokenQuotaStore();
  const deps = { ...free.deps, quota: new TokenQuota(store, { clock: free.clock }) };
  for (let i = 0; i < 5; i++) expect((await free.call(deps)).statusCode).toBe(200);
  expect(store.calls).toBe(0);
  const limited = await world(5);
  const failing = new MemoryTokenQuotaStore();
  failing.failWith = new Error('DynamoDB down');
  const res = await limited.call({ ...limited.deps, quota: new TokenQuota(failing, { clock: limited.clock }) });
  expect({ status: res.statusCode, error: responseBody(res).error }).toEqual({ status: 503, error: 'temporarily_unavailable' });
});

test('each refusal is a TokenDenied{reason=slow_down} metric', async () => {
  const w = await world(1);
  const lines: string[] = [];
  const memory = new MemoryAuditSink();
  const audit = withMetrics({ emit: (e) => memory.emit(e), flush: () => memory.flush(), maybeFlush: async () => {} }, createMetrics({ service: 'portcullis', stage: 't' }, { write: (l) => lines.push(l), clock: w.clock }));
  const deps = { ...w.container(), audit };
  await w.call(deps);
  await w.call(deps);
  await w.call(deps);
  w.clock.advance(1001);
  await audit.flush();
  expect(lines.map((l) => JSON.parse(l)).find((m) => m.reason === 'slow_down')?.TokenDenied).toBe(2);
});
