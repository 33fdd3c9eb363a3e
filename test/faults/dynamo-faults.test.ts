/**
 * DynamoDB unavailable, slow (hangs past the timeout) or throttling, injected on the wire in front of dynalite
 * and met by the real SDK client (createDynamoClient: requestTimeout + throwOnRequestTimeout, 2 attempts):
 *   token endpoint → 503 temporarily_unavailable with Retry-After, within the store-timeout bound;
 *   authorizer     → deny (revocation_state_stale) once the staleness bound has passed, never allow on error;
 *   revoke         → 503, never a silent 200; a replayed revoke writes nothing, so it answers 200 even then;
 *   clients disable → the status is written even when the revocation write fails, and the error says so.
 */
import { Authorizer, type Decision } from '../../lib/authorizer/decide';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminError, ClientAdmin } from '../../lib/clients/client-admin';
import { createClientAdmin } from '../../lib/composition/client-admin';
import { CachedClientLookup } from '../../lib/clients/client-cache';
import { ClientLockout } from '../../lib/lockout/lockout';
import { lockoutPolicy } from '../../lib/lockout/policy';
import { handleRevocationRequest, type PresentedTokenDeps } from '../../lib/endpoints/revoke';
import { createRevocationChecker, createRevocationStore } from '../../lib/composition/revocation';
import type { SnapshotRevocationChecker } from '../../lib/revocation/snapshot-checker';
import { DynamoClientStore } from '../../lib/stores/dynamo/client-store';
import { DocTable } from '../../lib/stores/dynamo/doc-table';
import { DynamoLockoutStore } from '../../lib/stores/dynamo/lockout-store';
import { handleTokenRequest, type TokenEndpointDeps } from '../../lib/endpoints/token';
import { jwksOf, makeKey, mint, PREFIX, realNowClock, type TestKey } from '../../testkit/authorizer-fixtures';
import { startDynalite, type TestDynamo } from '../../testkit/dynalite';
import { basic, formRequest, tokenFixture } from '../../testkit/token-fixture';
import { startDynamoFaultProxy, type DynamoFault, type DynamoFaultProxy } from '../../testkit/dynamo-fault-proxy';
import { createDynamoClient } from '../../lib/stores/dynamo/client';
import { MemoryAuditSink } from '../../testkit/memory-audit-sink';
import type { FrozenClock } from '../../testkit/frozen-clock';
import { testConfig } from '../../testkit/config';
import { cli, lastJson } from '../../testkit/cli';

/** Short, so a hang costs the test little; the logic is the same at the 1000 ms default. */
const STORE_TIMEOUT_MS = 300;
/**
 * The longest a request may wait on a failing store: 2 attempts of at most the timeout each, plus the SDK's
 * retry delay (≤ 1 s for throttling errors, ≤ 200 ms otherwise), plus slack for a loaded machine.
 * With the default (1000 ms) that is ≈ 2.1–2.5 s per store call, and two calls in a row stay below the 6 s Lambda timeout.
 */
const BOUND_MS = 2 * STORE_TIMEOUT_MS + 1_000 + 500;
const FAULTS: DynamoFault[] = ['down', 'hang', 'throttle', 'error500'];

let ddb: TestDynamo;
let proxy: DynamoFaultProxy;
let key: TestKey;
const sdkClients: Array<{ destroy(): void }> = [];

beforeAll(async () => {
  ddb = await startDynalite();
  proxy = await startDynamoFaultProxy(ddb.endpoint);
  key = makeKey('RS256');
});
afterEach(() => proxy.heal());
afterAll(async () => {
  for (const c of sdkClients) c.destroy();
  await proxy.close();
  await ddb.close();
});

/** A container's view of the table: through the fault proxy, with the production client settings. */
function proxiedTable(clock: FrozenClock): DocTable {
  const client = createDynamoClient({ region: 'us-east-1', endpoint: proxy.endpoint, timeoutMs: STORE_TIMEOUT_MS });
  sdkClients.push(client);
  return new DocTable(client, ddb.tableName, clock);
}

async function timed<T>(work: Promise<T> | T): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await work;
  return { value, ms: performance.now() - t0 };
}

const json = (res: { body: string }) => JSON.parse(res.body) as Record<string, unknown>;

async function tokenSetup() {
  const f = await tokenFixture({ env: { PORTCULLIS_STORE_TIMEOUT_MS: String(STORE_TIMEOUT_MS) } });
  const direct = new DynamoClientStore(new DocTable(ddb.table.client, ddb.tableName, f.clock));
  const { client, secret } = await new ClientAdmin({ config: f.config, clients: direct, audit: f.audit, clock: f.clock }).create({ name: 'app', scopes: ['read:data'] });
  const table = proxiedTable(f.clock);
  const deps: TokenEndpointDeps = {
    ...f.deps,
    clients: new CachedClientLookup(new DynamoClientStore(table), f.config.clientCacheTtlMs, 100, f.clock),
    lockout: new ClientLockout(new DynamoLockoutStore(table), { policy: lockoutPolicy(f.config), cacheTtlMs: f.config.clientCacheTtlMs, clock: f.clock, audit: f.audit }),
  };
  const call = (sec = secret) => timed(handleTokenRequest(formRequest('grant_type=client_credentials', { Authorization: basic(client.clientId, sec) }), deps));
  return { ...f, deps, call, secret };
}

function expect503(res: { statusCode: number; headers: Record<string, string>; body: string }) {
  expect(res.statusCode).toBe(503);
  expect(Number(res.headers['Retry-After'])).toBeGreaterThan(0);
  expect(res.headers['Cache-Control']).toBe('no-store');
  expect(json(res)).toEqual({ error: 'temporarily_unavailable', error_description: 'The service is temporarily unavailable, retry later' });
}

describe('token endpoint with DynamoDB failing', () => {
  test.each(FAULTS)('DynamoDB %s (cold container) → 503 temporarily_unavailable with Retry-After, within the timeout bound', async (fault) => {
    const s = await tokenSetup();
    proxy.fail(fault);
    const { value: res, ms } = await s.call();
    expect503(res);
    expect(ms).toBeLessThan(BOUND_MS);
    expect(res.body).not.toMatch(/ECONN|Timeout|Throughput|InternalServerError|dynamo/i);
    expect(s.audit.events.at(-1)).toMatchObject({ event: 'token.denied', outcome: 'failure', reason: 'store_unavailable', detail: { error: 'temporarily_unavailable' } });
    proxy.heal();
    expect((await s.call()).value.statusCode).toBe(200);
  });

  test('a warm container keeps issuing with DynamoDB down (no store call per token); a failure it cannot count is 503, never 401', async () => {
    const s = await tokenSetup();
    expect((await s.call()).value.statusCode).toBe(200);
    proxy.fail('down');
    const before = proxy.calls.length;
    expect((await s.call()).value.statusCode).toBe(200);
    expect(proxy.calls.length).toBe(before);
    // Fail closed: an uncounted guess would be a free guess.
    const { value: wrong, ms } = await s.call('wrong-secret');
    expect503(wrong);
    expect(ms).toBeLessThan(BOUND_MS);
    // Past the client cache bound the container must read again: 503, until DynamoDB is back.
    s.clock.advance(s.config.clientCacheTtlMs);
    expect503((await s.call()).value);
    proxy.heal();
    expect((await s.call()).value.statusCode).toBe(200);
  });

  test('throttling of the lockout write only (UpdateItem/PutItem) is still 503 for a wrong secret', async () => {
    const s = await tokenSetup();
    expect((await s.call()).value.statusCode).toBe(200);
    proxy.fail('throttle', { operations: ['UpdateItem', 'PutItem'] });
    expect503((await s.call('wrong-secret')).value);
    expect(proxy.calls.filter((c) => c === 'PutItem' || c === 'UpdateItem').length).toBeGreaterThanOrEqual(2); // retried once by the SDK
  });
});

describe('authorizer with DynamoDB failing: deny after the staleness bound, never allow on error', () => {
  const REFRESH_MS = 200;
  const STALENESS_MS = 1_000;

  function authorizerSetup(mode: 'snapshot' | 'strict') {
    const clock = realNowClock();
    const config = {
      ...testConfig({ env: {
        PORTCULLIS_REVOCATION_MODE: mode,
        PORTCULLIS_REVOCATION_REFRESH_MS: String(REFRESH_MS),
        PORTCULLIS_REVOCATION_MAX_STALENESS_MS: String(STALENESS_MS),
        PORTCULLIS_STORE_TIMEOUT_MS: String(STORE_TIMEOUT_MS),
      } }),
      tableName: ddb.tableName,
    };
    const revocation = createRevocationChecker(config, { table: proxiedTable(clock), clock });
    const audit = new MemoryAuditSink();
    const authorizer = new Authorizer(config, { audit, revocation, clock, jwks: jwksOf(key), log: () => {} });
    const token = mint(key, Math.floor(clock.now() / 1000));
    const decide = () => timed(Promise.resolve(authorizer.decide({ authorization: `Bearer ${token}`, arn: `${PREFIX}GET/demo/data` })));
    return { clock, revocation, audit, decide };
  }

  const denied = (d: Decision) => ({ effect: d.effect, status: d.status, reason: d.reason });
  const STALE = { effect: 'Deny', status: 401, reason: 'revocation_state_stale' };

  test.each(FAULTS)('snapshot mode, DynamoDB %s: allowed while the snapshot is within the bound, denied past it, allowed again once it heals', async (fault) => {
    const a = authorizerSetup('snapshot');
    expect(await a.revocation.ready!()).toBe(true);
    expect((await a.decide()).value.effect).toBe('Allow');
    proxy.fail(fault);
    a.clock.advance(STALENESS_MS / 2);
    expect((await a.decide()).value.effect).toBe('Allow'); // within the bound; this starts a refresh that fails
    await (a.revocation as SnapshotRevocationChecker).idle();
    a.clock.advance(STALENESS_MS / 2 + 1);
    const { value: first, ms } = await a.decide(); // stale: waits for one refresh, which fails
    expect(denied(first)).toEqual(STALE);
    expect(ms).toBeLessThan(BOUND_MS);
    for (let i = 0; i < 5; i++) {
      a.clock.advance(REFRESH_MS / 2);
      expect(denied((await a.decide()).value)).toEqual(STALE);
    }
    expect(a.audit.events.filter((e) => e.event === 'authz.allowed')).toHaveLength(2);
    expect(a.audit.events.at(-1)).toMatchObject({ event: 'authz.denied', reason: 'revocation_state_stale' });
    proxy.heal();
    a.clock.advance(REFRESH_MS);
    expect((await a.decide()).value.effect).toBe('Allow');
  });

  test.each(FAULTS)('strict mode, DynamoDB %s: denied at once, within the timeout bound', async (fault) => {
    const a = authorizerSetup('strict');
    expect((await a.decide()).value.effect).toBe('Allow');
    proxy.fail(fault);
    const { value, ms } = await a.decide();
    expect(denied(value)).toEqual(STALE);
    expect(ms).toBeLessThan(BOUND_MS);
  });
});

describe('revoke with DynamoDB failing: 503, never a silent 200', () => {
  async function revokeSetup() {
    const f = await tokenFixture({ env: { PORTCULLIS_STORE_TIMEOUT_MS: String(STORE_TIMEOUT_MS) } });
    const revocations = createRevocationStore(f.config, { table: proxiedTable(f.clock), clock: f.clock });
    const deps: PresentedTokenDeps = { ...f.deps, revocations };
    const { client, secret } = await f.admin.create({ name: 'app', scopes: ['read:data'] });
    const auth = { Authorization: basic(client.clientId, secret) };
    const token = json(await handleTokenRequest(formRequest('grant_type=client_credentials', auth), f.deps)).access_token as string;
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { jti: string; client_id: string; sub: string; iat: number; exp: number };
    const revoke = () => timed(handleRevocationRequest(formRequest(`token=${token}`, auth), deps));
    const direct = createRevocationStore(f.config, { table: new DocTable(ddb.table.client, ddb.tableName, f.clock), clock: f.clock });
    return { ...f, revoke, claims, direct };
  }

  test.each<[string, DynamoFault, string[] | undefined]>([
    ...FAULTS.map((f): [string, DynamoFault, undefined] => [f, f, undefined]),
    ['throttling of writes only', 'throttle', ['PutItem']], // the feed head is read, the writes are refused
  ])('DynamoDB %s → 503 with Retry-After; the token is revoked only once a retry gets 200', async (_label, fault, operations) => {
    const s = await revokeSetup();
    proxy.fail(fault, { operations });
    const { value: res, ms } = await s.revoke();
    expect503(res);
    expect(ms).toBeLessThan(BOUND_MS); // the first failing call ends the request
    expect(s.audit.events.at(-1)).toMatchObject({ event: 'token.revoked', outcome: 'failure', reason: 'store_unavailable' });
    proxy.heal();
    const { value: ok } = await s.revoke();
    expect(ok.statusCode).toBe(200);
    expect((await s.direct.findForToken(s.claims))?.reason).toBe('revoked');
  });

  test('a replayed revoke writes nothing (not the feed head either): 200 even while every write is throttled', async () => {
    const s = await revokeSetup();
    expect((await s.revoke()).value.statusCode).toBe(200);
    proxy.fail('throttle', { operations: ['PutItem', 'UpdateItem'] });
    const before = proxy.calls.length;
    for (let i = 0; i < 10; i++) expect((await s.revoke()).value.statusCode).toBe(200);
    expect(proxy.calls.slice(before)).toEqual(Array(10).fill('BatchGetItem'));
    expect(s.audit.events.at(-1)).toMatchObject({ event: 'token.revoked', outcome: 'success', jti: s.claims.jti });
  });
});

describe('clients disable with the revocation write failing', () => {
  async function disableSetup() {
    const f = await tokenFixture({ env: { PORTCULLIS_STORE_TIMEOUT_MS: String(STORE_TIMEOUT_MS) } });
    const direct = new DocTable(ddb.table.client, ddb.tableName, f.clock);
    const admin = createClientAdmin(f.config, proxiedTable(f.clock), f.audit, 'ops', f.clock);
    const { client } = await admin.create({ name: 'app', scopes: ['read:data'] });
    const minted = { jti: 'j', client_id: client.clientId, sub: client.clientId, iat: Math.floor(f.clock.now() / 1000) - 10, exp: Math.floor(f.clock.now() / 1000) + 600 };
    const revocations = createRevocationStore(f.config, { table: direct, clock: f.clock });
    return { ...f, admin, client, minted, revocations, clients: new DynamoClientStore(direct) };
  }
  /** Revocation writes only (the feed head and the records): the client record can still be written. */
  const failRevocationWrites = () => proxy.fail('throttle', { operations: ['PutItem', 'UpdateItem'], bodyIncludes: 'revocation#' });

  test('the disabled status is still written, the error says so and asks for a retry; running it again revokes the tokens', async () => {
    const s = await disableSetup();
    failRevocationWrites();
    const err = (await s.admin.setStatus(s.client.clientId, 'disabled').then(
      () => undefined,
      (e: unknown) => e,
    )) as Error;
    expect(err).toBeInstanceOf(AdminError);
    expect(err.message).toContain(`client ${s.client.clientId} IS disabled`);
    expect(err.message).toMatch(/existing tokens were NOT revoked/);
    expect(err.message).toContain(`clients disable ${s.client.clientId}`);
    expect((await s.clients.get(s.client.clientId))?.status).toBe('disabled');
    expect(await s.revocations.findForToken(s.minted)).toBeUndefined();
    expect(s.audit.events.slice(-2)).toEqual([
      expect.objectContaining({ event: 'client.disabled', outcome: 'success', client_id: s.client.clientId }),
      expect.objectContaining({ event: 'revocation.client', outcome: 'failure', client_id: s.client.clientId, reason: 'store_unavailable' }),
    ]);

    proxy.heal();
    await s.admin.setStatus(s.client.clientId, 'disabled');
    expect((await s.revocations.findForToken(s.minted))?.reason).toBe('client_disabled');
  });

  test('a revoke that fails before the status write and works after it: disabled and revoked, no error', async () => {
    const s = await disableSetup();
    failRevocationWrites();
    let statusWrites = 0;
    const clients = (s.admin as unknown as { deps: { clients: { update: (...a: unknown[]) => Promise<unknown> } } }).deps.clients;
    const update = clients.update.bind(clients);
    clients.update = async (...args: unknown[]) => {
      const out = await update(...args);
      statusWrites++;
      proxy.heal(); // DynamoDB recovers right after the status write
      return out;
    };
    await s.admin.setStatus(s.client.clientId, 'disabled');
    expect(statusWrites).toBe(1);
    expect((await s.clients.get(s.client.clientId))?.status).toBe('disabled');
    expect((await s.revocations.findForToken(s.minted))?.reason).toBe('client_disabled');
  });

  test('the CLI: exit code 1 and a message that the client IS disabled but the revocation must be retried', async () => {
    const s = await disableSetup();
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-cli-'));
    try {
      const env = {
        PORTCULLIS_STAGE: 'local',
        PORTCULLIS_TABLE: ddb.tableName,
        PORTCULLIS_DYNAMODB_ENDPOINT: proxy.endpoint,
        PORTCULLIS_KEY_DIR: join(dir, 'keys'),
        PORTCULLIS_AUDIT_SINK: 'file',
        PORTCULLIS_AUDIT_FILE: join(dir, 'audit.log'),
        PORTCULLIS_STORE_TIMEOUT_MS: String(STORE_TIMEOUT_MS),
      };
      writeFileSync(join(dir, 'stack.json'), JSON.stringify({ url: 'http://127.0.0.1:9', dynamoEndpoint: proxy.endpoint, pid: process.pid, env }));
      failRevocationWrites();
      const out = await cli('admin', ['clients', 'disable', s.client.clientId, '--json'], dir);
      expect(out.code).toBe(1);
      expect(out.stderr).toContain(`client ${s.client.clientId} IS disabled`);
      expect(out.stderr).toContain(`clients disable ${s.client.clientId}`);
      expect((await s.clients.get(s.client.clientId))?.status).toBe('disabled');
      proxy.heal();
      const again = await cli('admin', ['clients', 'disable', s.client.clientId, '--json'], dir);
      expect(again.code).toBe(0);
      expect(lastJson(again.stdout).status).toBe('disabled');
      expect((await s.revocations.findForToken(s.minted))?.reason).toBe('client_disabled');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
