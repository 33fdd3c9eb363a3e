/**
 * 50 concurrent refreshes of one refresh token through the token endpoint against dynalite (the real wire protocol,
 * conditional UpdateItem, no transactions). Invariants: no 5xx; at the end exactly one current token in the family;
 * every refresh token answered is either that current one or dead (refused, without killing the family). Also: an
 * uncontended refresh makes exactly 2 DynamoDB calls, counted at the wire.
 */
import { CachedClientLookup } from '../../lib/clients/client-cache';
import { ClientAdmin } from '../../lib/clients/client-admin';
import { systemClock, epochSeconds } from '../../lib/core/clock';
import { handleTokenRequest, type TokenEndpointDeps } from '../../lib/endpoints/token';
import { startFamily } from '../../lib/refresh/start-family';
import { newFamilyKey, hashRefreshToken } from '../../lib/refresh/refresh-token';
import { createDynamoClient } from '../../lib/stores/dynamo/client';
import { DocTable } from '../../lib/stores/dynamo/doc-table';
import { DynamoRefreshFamilyStore } from '../../lib/stores/dynamo/refresh-family-store';
import { DynamoRevocationStore } from '../../lib/stores/dynamo/revocation-store';
import { DynamoUserStore } from '../../lib/stores/dynamo/user-store';
import { browserRequest } from '../../testkit/people-world';
import { testConfig } from '../../testkit/config';
import { startDynalite, type TestDynamo } from '../../testkit/dynalite';
import { startDynamoRecorder, type DynamoRecorder } from '../../testkit/dynamo-recorder';
import { MemoryAuditSink } from '../../testkit/memory-audit-sink';
import { MemoryClientStore } from '../../testkit/memory/client-store';
import { staticKeyRing, testSigner } from '../../testkit/token-fixture';

let ddb: TestDynamo;
let recorder: DynamoRecorder;
const destroy: Array<() => void> = [];
beforeAll(async () => {
  ddb = await startDynalite();
  recorder = await startDynamoRecorder(ddb.endpoint);
});
afterAll(async () => {
  for (const d of destroy) d();
  await recorder.close();
  await ddb.close();
});

async function world(scopes = ['read:data']) {
  const config = testConfig({ env: { PORTCULLIS_ROLES: JSON.stringify({ reader: ['read:data'] }) } });
  const client = createDynamoClient({ region: 'us-east-1', endpoint: recorder.endpoint, timeoutMs: 5000 });
  destroy.push(() => client.destroy());
  const table = new DocTable(client, ddb.tableName, systemClock);
  const families = new DynamoRefreshFamilyStore(table);
  const users = new DynamoUserStore(table);
  const sub = `usr_${newFamilyKey()}`;
  await users.create({ sub, username: `u${sub.toLowerCase()}`, roles: ['reader'], status: 'active', passwordHash: 'x', createdAt: 1, updatedAt: 1, passwordChangedAt: 1 });
  const clients = new MemoryClientStore();
  const audit = new MemoryAuditSink();
  const admin = new ClientAdmin({ config, clients, audit });
  const app = await admin.create({ name: 'app', scopes: ['openid', 'read:data'], redirectUris: ['https://app.example/cb'], grantTypes: ['authorization_code', 'refresh_token'] });
  const now = epochSeconds(systemClock);
  const started = await startFamily(families, config, { familyKey: newFamilyKey(), client: app.client, sub, sid: newFamilyKey(), authTime: now, scopes, nowSeconds: now });
  const deps: TokenEndpointDeps = {
    config,
    clients: new CachedClientLookup(clients, config.clientCacheTtlMs),
    keyRing: staticKeyRing(testSigner()),
    audit,
    grantServices: { refreshFamilies: families, revocations: new DynamoRevocationStore(table, config) },
  };
  const refresh = (token: string) => {
    const req = browserRequest('POST', '/oauth2/token', { body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }).toString() });
    return handleTokenRequest({ ...req, headers: { ...req.headers, Authorization: `Basic ${Buffer.from(`${app.client.clientId}:${app.secret}`).toString('base64')}` } }, deps);
  };
  return { families, sub, family: started!.family, token: started!.token, refresh, audit };
}

test('an uncontended refresh makes exactly 2 DynamoDB calls at the wire: one BatchGetItem, one conditional UpdateItem', async () => {
  const w = await world();
  recorder.requests.length = 0;
  const ok = await w.refresh(w.token);
  expect(ok.statusCode).toBe(200);
  expect(recorder.requests.map((r) => r.action)).toEqual(['BatchGetItem', 'UpdateItem']);
});

test('with openid the refresh answers an id_token, still with exactly 2 DynamoDB calls (the user item is in the BatchGetItem)', async () => {
  const w = await world(['openid', 'read:data']);
  recorder.requests.length = 0;
  const ok = await w.refresh(w.token);
  expect(ok.statusCode).toBe(200);
  expect(JSON.parse(ok.body)).toMatchObject({ scope: 'openid read:data', id_token: expect.any(String) });
  expect(recorder.requests.map((r) => r.action)).toEqual(['BatchGetItem', 'UpdateItem']);
});

test('50 concurrent refreshes of one token: no 5xx, exactly one current token at the end, every answered token current or dead', async () => {
  const w = await world();
  const answers = await Promise.all(Array.from({ length: 50 }, () => w.refresh(w.token)));
  expect(answers.filter((r) => r.statusCode >= 500)).toEqual([]);
  const ok = answers.filter((r) => r.statusCode === 200);
  expect(ok.length).toBeGreaterThan(0);
  for (const r of answers.filter((r) => r.statusCode !== 200)) expect(JSON.parse(r.body).error).toBe('invalid_grant');
  const issued = ok.map((r) => JSON.parse(r.body).refresh_token as string);
  expect(new Set(issued).size).toBe(issued.length);

  const family = (await w.families.get(w.sub, w.family.familyKey))!;
  expect(family.revokedAt).toBeUndefined();
  expect(family.previousHash).toBe(hashRefreshToken(w.token));
  const current = issued.filter((t) => hashRefreshToken(t) === family.currentHash);
  expect(current).toHaveLength(1);
  expect(family.generation).toBe(1 + ok.length);

  // Every other answered token is dead: refused, and (never having been exchanged) it does not kill the family.
  const others = issued.filter((t) => t !== current[0]);
  for (const t of others.slice(0, 5)) {
    const res = await w.refresh(t);
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error).toBe('invalid_grant');
  }
  const next = await w.refresh(current[0]);
  expect(next.statusCode).toBe(200);
  expect(w.audit.events.some((e) => e.event === 'refresh.reused')).toBe(false);
}, 60_000);
