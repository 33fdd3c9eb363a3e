/**
 * Key services briefly unavailable:
 *   JWKS endpoint down  → the authorizer keeps verifying with the last good keys (and never allows without keys);
 *   KMS down            → the token endpoint answers 503 temporarily_unavailable with Retry-After, no token;
 *                         it signs again as soon as KMS is back.
 */
import { createLocalJWKSet, jwtVerify } from 'jose';
import { Authorizer } from '../../lib/authorizer/decide';
import { initKeys } from '../../lib/keys/init-keys';
import { createKeyRing } from '../../lib/keys/key-ring';
import { noRevocation } from '../../lib/revocation/types';
import { DocTable } from '../../lib/stores/dynamo/doc-table';
import { DynamoKeyStore } from '../../lib/stores/dynamo/key-store';
import { handleTokenRequest, type TokenEndpointDeps } from '../../lib/endpoints/token';
import { jwksOf, makeKey, mint, PREFIX, realNowClock, seconds, startJwksServer } from '../../testkit/authorizer-fixtures';
import { startFakeKms, type FakeKms } from '../../testkit/fakes/fake-kms';
import { startDynalite, type TestDynamo } from '../../testkit/dynalite';
import { basic, formRequest, tokenFixture } from '../../testkit/token-fixture';
import { MemoryAuditSink } from '../../testkit/memory-audit-sink';
import { testConfig } from '../../testkit/config';

describe('JWKS endpoint briefly unavailable', () => {
  const JWKS_CACHE_SECONDS = 60;
  const REFETCH_MIN_MS = 10_000;

  async function setup() {
    const k1 = makeKey('RS256', 'jwks-k1');
    const k2 = makeKey('RS256', 'jwks-k2');
    const server = await startJwksServer(jwksOf(k1));
    const clock = realNowClock();
    const config = testConfig({ env: {
      PORTCULLIS_JWKS_URI: server.url,
      PORTCULLIS_JWKS_CACHE_SECONDS: String(JWKS_CACHE_SECONDS),
      PORTCULLIS_JWKS_REFETCH_MIN_INTERVAL_MS: String(REFETCH_MIN_MS),
    } });
    const audit = new MemoryAuditSink();
    const errors: unknown[] = [];
    const build = () => new Authorizer(config, { audit, revocation: noRevocation, clock, log: (m, d) => errors.push([m, d]) });
    const decide = async (a: Authorizer, token: string) => a.decide({ authorization: `Bearer ${token}`, arn: `${PREFIX}GET/demo/data` });
    return { k1, k2, server, clock, build, decide, errors };
  }

  test('a warm authorizer keeps verifying with the last good keys while the JWKS fails, and picks up new keys once it is back', async () => {
    const s = await setup();
    try {
      const authorizer = s.build();
      await authorizer.ready();
      expect(s.server.hits()).toBe(1);
      expect((await s.decide(authorizer, mint(s.k1, seconds(s.clock)))).effect).toBe('Allow');

      s.server.fail(500);
      // The keys reach their max age: a background refresh starts, and fails.
      s.clock.advance(JWKS_CACHE_SECONDS * 1000);
      expect((await s.decide(authorizer, mint(s.k1, seconds(s.clock)))).effect).toBe('Allow');
      await authorizer.ready();
      expect(s.server.hits()).toBe(2);
      expect(s.errors.length).toBeGreaterThanOrEqual(1);
      // New tokens under the last good key still verify (not only cached ones).
      for (let i = 0; i < 3; i++) expect((await s.decide(authorizer, mint(s.k1, seconds(s.clock)))).effect).toBe('Allow');

      // A token under a key the authorizer has never seen: one refetch (fails) → denied, not allowed.
      s.clock.advance(REFETCH_MIN_MS);
      expect(await s.decide(authorizer, mint(s.k2, seconds(s.clock)))).toMatchObject({ effect: 'Deny', status: 401, reason: 'unknown_kid' });
      expect(s.server.hits()).toBe(3);
      expect((await s.decide(authorizer, mint(s.k1, seconds(s.clock)))).effect).toBe('Allow');

      s.server.set(jwksOf(s.k1, s.k2));
      s.clock.advance(REFETCH_MIN_MS);
      expect((await s.decide(authorizer, mint(s.k2, seconds(s.clock)))).effect).toBe('Allow');
      expect((await s.decide(authorizer, mint(s.k1, seconds(s.clock)))).effect).toBe('Allow');
    } finally {
      await s.server.close();
    }
  });

  test('a cold authorizer with the JWKS down denies (no keys, no allow), then works once the JWKS is back', async () => {
    const s = await setup();
    try {
      s.server.fail(503);
      const authorizer = s.build();
      const token = mint(s.k1, seconds(s.clock));
      expect(await s.decide(authorizer, token)).toMatchObject({ effect: 'Deny', status: 401 });
      s.server.set(jwksOf(s.k1));
      s.clock.advance(REFETCH_MIN_MS);
      expect((await s.decide(authorizer, token)).effect).toBe('Allow');
    } finally {
      await s.server.close();
    }
  });
});

describe('KMS briefly unavailable', () => {
  const ALIAS = 'alias/portcullis-faults-signing';
  let kms: FakeKms;
  let ddb: TestDynamo;
  let tableNo = 0;
  beforeAll(async () => {
    kms = await startFakeKms();
    kms.createKey('RSA_2048', { alias: ALIAS });
  });
  beforeEach(async () => {
    ddb = await startDynalite({ tableName: `kms-faults-${++tableNo}` });
  });
  afterEach(async () => {
    kms.fail('none');
    await ddb.close();
  });
  afterAll(() => kms.close());

  async function setup() {
    const f = await tokenFixture({ env: { PORTCULLIS_SIGNER: 'kms', PORTCULLIS_KMS_KEY_ID: ALIAS } });
    const keyStore = new DynamoKeyStore(new DocTable(ddb.table.client, ddb.tableName, f.clock));
    await initKeys(f.config, { keyStore, clock: f.clock, kms: kms.client({ maxAttempts: 2 }) }); // `keys init` after the deploy
    const keyRing = createKeyRing(f.config, { keyStore, clock: f.clock, kms: kms.client({ maxAttempts: 2 }) });
    const deps: TokenEndpointDeps = { ...f.deps, keyRing };
    const { client, secret } = await f.admin.create({ name: 'app', scopes: ['read:data'] });
    const call = () => handleTokenRequest(formRequest('grant_type=client_credentials', { Authorization: basic(client.clientId, secret) }), deps);
    return { ...f, keyRing, call };
  }

  function expect503(res: { statusCode: number; headers: Record<string, string>; body: string }) {
    expect(res.statusCode).toBe(503);
    expect(Number(res.headers['Retry-After'])).toBeGreaterThan(0);
    expect(JSON.parse(res.body)).toEqual({ error: 'temporarily_unavailable', error_description: 'The service is temporarily unavailable, retry later' });
    expect(res.body).not.toMatch(/KMS|ECONN|Internal/i);
  }

  test.each(['500', 'unreachable'] as const)('KMS %s while signing → 503 with Retry-After and no token; signs again once KMS is back', async (mode) => {
    const s = await setup();
    const ok = await s.call();
    expect(ok.statusCode).toBe(200);
    const signsBefore = kms.calls.Sign ?? 0;
    kms.fail(mode);
    const res = await s.call();
    expect503(res);
    expect(kms.calls.Sign ?? 0).toBeGreaterThan(signsBefore); // it did try
    expect(s.audit.events.at(-1)).toMatchObject({ event: 'token.denied', outcome: 'failure', reason: 'store_unavailable', detail: { error: 'temporarily_unavailable' } });
    kms.fail('none');
    const again = await s.call();
    expect(again.statusCode).toBe(200);
    const { payload } = await jwtVerify(JSON.parse(again.body).access_token, createLocalJWKSet(await s.keyRing.jwks()), {
      issuer: s.config.issuer,
      audience: s.config.audience,
      currentDate: new Date(s.clock.now()),
    });
    expect(payload.client_id).toBeDefined();
  });

  test('KMS down at a cold start (the first token of a container) → 503, then 200 once KMS is back', async () => {
    const s = await setup();
    kms.fail('500');
    expect503(await s.call());
    kms.fail('none');
    expect((await s.call()).statusCode).toBe(200);
  });
});
