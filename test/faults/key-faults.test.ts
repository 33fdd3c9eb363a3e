/**
 * Key services briefly unavailable:
 *   JWKS endpoint down  → the authorizer keeps verifying with the last good keys (and never allows without keys),
 *                         until they are PORTCULLIS_JWKS_MAX_STALENESS_SECONDS old: then it denies (jwks_unavailable);
 *   KMS down            → the token endpoint answers 503 temporarily_unavailable with Retry-After, no token;
 *                         it signs again as soon as KMS is back.
 */
import { createLocalJWKSet, jwtVerify } from 'jose';
import { Authorizer } from '../../lib/authorizer/decide';
import { initKeys } from '../../lib/keys/init-keys';
import { createKeyRing } from '../../lib/keys/key-ring';
import { DocTable } from '../../lib/stores/dynamo/doc-table';
import { DynamoKeyStore } from '../../lib/stores/dynamo/key-store';
import { handleTokenRequest, type TokenEndpointDeps } from '../../lib/endpoints/token';
import { jwksOf, makeKey, mint, PREFIX, realNowClock, seconds, startJwksServer } from '../../testkit/authorizer-fixtures';
import { startFakeKms, type FakeKms } from '../../testkit/fakes/fake-kms';
import { startDynalite, type TestDynamo } from '../../testkit/dynalite';
import { basic, formRequest, tokenFixture } from '../../testkit/token-fixture';
import { MemoryAuditSink } from '../../testkit/memory-audit-sink';
import { testConfig } from '../../testkit/config';
import { noRevocation } from '../../lib/revocation/checker';

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

describe('JWKS endpoint down for longer than the max staleness', () => {
  const JWKS_CACHE_SECONDS = 60;
  const MAX_STALENESS_SECONDS = 150;
  const REFETCH_MIN_MS = 10_000;

  async function setup(env: Record<string, string> = {}) {
    const retired = makeKey('RS256', 'stale-retired');
    const active = makeKey('RS256', 'stale-active');
    const server = await startJwksServer(jwksOf(active, retired));
    const clock = realNowClock();
    const config = testConfig({ env: {
      PORTCULLIS_JWKS_URI: server.url,
      PORTCULLIS_JWKS_CACHE_SECONDS: String(JWKS_CACHE_SECONDS),
      PORTCULLIS_JWKS_REFETCH_MIN_INTERVAL_MS: String(REFETCH_MIN_MS),
      PORTCULLIS_JWKS_MAX_STALENESS_SECONDS: String(MAX_STALENESS_SECONDS),
      ...env,
    } });
    const audit = new MemoryAuditSink();
    const logs: string[] = [];
    const authorizer = new Authorizer(config, { audit, revocation: noRevocation, clock, log: (m) => logs.push(m) });
    await authorizer.ready();
    // Long-lived tokens, so only the keys' age decides.
    const tokenOf = (key: typeof active) => mint(key, seconds(clock), { claims: { exp: seconds(clock) + 3600 } });
    const decide = async (token: string) => authorizer.decide({ authorization: `Bearer ${token}`, arn: `${PREFIX}GET/demo/data` });
    return { retired, active, server, clock, audit, logs, tokenOf, decide, settled: () => authorizer.ready() };
  }

  test('a retired kid keeps verifying while the JWKS fails only until the max staleness, then every decision is jwks_unavailable', async () => {
    const s = await setup();
    try {
      const cachedToken = s.tokenOf(s.retired);
      expect((await s.decide(cachedToken)).effect).toBe('Allow'); // now in the verified-token cache
      // The key is retired (withdrawn from the JWKS), but the JWKS endpoint fails: the authorizer cannot learn it.
      s.server.fail(500);
      s.clock.advance(JWKS_CACHE_SECONDS * 1000);
      expect((await s.decide(s.tokenOf(s.retired))).effect).toBe('Allow'); // last good keys; a background refresh starts and fails
      s.clock.advance((MAX_STALENESS_SECONDS - JWKS_CACHE_SECONDS) * 1000 - 1);
      expect((await s.decide(s.tokenOf(s.retired))).effect).toBe('Allow'); // 1 ms inside the bound
      expect((await s.decide(cachedToken)).effect).toBe('Allow');
      await s.settled(); // the background refresh these decisions started has failed
      const hits = s.server.hits();

      s.clock.advance(1); // the last good JWKS is now MAX_STALENESS_SECONDS old
      const DENY = { effect: 'Deny', status: 401, reason: 'jwks_unavailable' };
      expect(await s.decide(s.tokenOf(s.retired))).toMatchObject(DENY);
      expect(await s.decide(cachedToken)).toMatchObject(DENY); // cached tokens too
      expect(await s.decide(s.tokenOf(s.active))).toMatchObject(DENY); // fail closed: no key is trusted any more
      expect(s.server.hits()).toBeLessThanOrEqual(hits + 1); // one refresh attempt at most, then one per interval
      expect(s.audit.events.at(-1)).toMatchObject({ event: 'authz.denied', outcome: 'failure', reason: 'jwks_unavailable' });
      expect(s.logs.join('\n')).toMatch(/JWKS.*older than.*150 s/);

      // The endpoint answers again (without the retired key): the next attempt restores verification.
      s.server.set(jwksOf(s.active));
      s.clock.advance(REFETCH_MIN_MS);
      expect((await s.decide(s.tokenOf(s.active))).effect).toBe('Allow');
      expect(await s.decide(cachedToken)).toMatchObject({ effect: 'Deny', reason: 'unknown_kid' });
      expect(await s.decide(s.tokenOf(s.retired))).toMatchObject({ effect: 'Deny', reason: 'unknown_kid' });
    } finally {
      await s.server.close();
    }
  });

  test('a container idle for longer than the max staleness refreshes before its first decision: no false denial', async () => {
    const s = await setup();
    try {
      const token = s.tokenOf(s.active);
      expect((await s.decide(token)).effect).toBe('Allow');
      s.clock.advance(3 * MAX_STALENESS_SECONDS * 1000); // no decision, so no refresh, in between
      expect((await s.decide(token)).effect).toBe('Allow');
      expect((await s.decide(s.tokenOf(s.active))).effect).toBe('Allow');
      expect(s.server.hits()).toBe(2);
    } finally {
      await s.server.close();
    }
  });

  test('the default is 600 s (twice the JWKS cache lifetime); a bound the background refresh cannot meet is refused', () => {
    expect(testConfig().jwksMaxStalenessSeconds).toBe(600);
    expect(testConfig({ env: { PORTCULLIS_JWKS_CACHE_SECONDS: '900' } }).jwksMaxStalenessSeconds).toBe(1800);
    expect(() => testConfig({ env: { PORTCULLIS_JWKS_MAX_STALENESS_SECONDS: '305' } })).toThrow(/PORTCULLIS_JWKS_MAX_STALENESS_SECONDS/);
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
