import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../lib/config/load-config';
import { createKeyRing } from '../../lib/keys/key-ring';
import { createFileKey } from '../../lib/keys/local-key';
import { KeySchedule } from '../../lib/keys/schedule';
import { jwksCacheControl, keyTimings } from '../../lib/keys/timings';
import type { KeyStore } from '../../lib/stores/ports';
import { DynamoKeyStore } from '../../lib/stores/dynamo/key-store';
import { startDynalite, type TestDynamo } from '../../testkit/dynalite';
import type { KeyRecord } from '../../lib/models/key';
import { initKeys } from '../../lib/keys/init-keys';
import { FrozenClock } from '../../testkit/frozen-clock';

const T0 = Date.UTC(2026, 4, 1) / 1000;
const config = loadConfig({
  PORTCULLIS_KEY_DIR: join(mkdtempSync(join(tmpdir(), 'pc-ring-')), 'keys'),
  PORTCULLIS_SIGNING_ALG: 'ES256',
  PORTCULLIS_MAX_TOKEN_LIFETIME_SECONDS: '600',
  PORTCULLIS_CLOCK_SKEW_SECONDS: '10',
});
const t = keyTimings(config); // cache 30, staleness 60, jwks 300

describe('KeySchedule: states from timestamps', () => {
  const rec = (kid: string, activatedAt: number, extra: Partial<KeyRecord> = {}): KeyRecord =>
    ({ kid, alg: 'ES256', source: 'file', ref: `${kid}.pem`, publicJwk: {} as never, state: 'active', createdAt: activatedAt, activatedAt, ...extra }) as KeyRecord;
  const states = (s: KeySchedule, now: number) => Object.fromEntries(s.at(now).map((k) => [k.record.kid, k.state]));
  // retire after = staleness 60 + lifetime 600 + skew 10 = 670
  const schedule = new KeySchedule([rec('a', T0), rec('b', T0 + 360, { state: 'next', createdAt: T0 })], t);

  test.each([
    [0, { a: 'active', b: 'next' }, 'a'],
    [359, { a: 'active', b: 'next' }, 'a'],
    [360, { a: 'previous', b: 'active' }, 'b'],
    [360 + 669, { a: 'previous', b: 'active' }, 'b'],
    [360 + 670, { a: 'retired', b: 'active' }, 'b'],
  ])('at T0+%i s: %j', (offset, expected, active) => {
    expect(states(schedule, T0 + offset)).toEqual(expected);
    expect(schedule.activeAt(T0 + offset)?.kid).toBe(active);
  });

  test('dates: deactivation is the successor activation, retirement after the retire delay', () => {
    const a = schedule.at(T0).find((k) => k.record.kid === 'a')!;
    expect(a).toMatchObject({ activatesAt: T0, deactivatesAt: T0 + 360, retiresAt: T0 + 360 + 670, published: true });
  });

  test('a withdrawn next key never activates; a withdrawn previous key leaves the JWKS at once', () => {
    const s = new KeySchedule([rec('a', T0), rec('b', T0 + 360, { state: 'retired', retiredAt: T0 + 10 })], t);
    expect(states(s, T0 + 1000)).toEqual({ a: 'active', b: 'retired' });
    expect(s.activeAt(T0 + 1000)?.kid).toBe('a');
    const s2 = new KeySchedule([rec('a', T0, { state: 'retired', retiredAt: T0 + 400 }), rec('b', T0 + 360)], t);
    expect(states(s2, T0 + 400)).toEqual({ a: 'retired', b: 'active' });
  });

  test('the JWKS Cache-Control header carries the configured cache lifetime', () => {
    expect(jwksCacheControl(config)).toBe('public, max-age=300');
    expect(jwksCacheControl(loadConfig({ PORTCULLIS_KEY_DIR: '/x', PORTCULLIS_JWKS_CACHE_SECONDS: '120' }))).toBe('public, max-age=120');
  });
});

describe('key ring caching', () => {
  let ddb: TestDynamo;
  const clock = new FrozenClock(T0 * 1000);
  let reads = 0;
  let down = false;
  let store: KeyStore;
  beforeAll(async () => {
    ddb = await startDynalite({ clock });
    const real = new DynamoKeyStore(ddb.table);
    store = {
      list: () => {
        reads++;
        return down ? Promise.reject(new Error('store down')) : real.list();
      },
      get: (kid) => real.get(kid),
      create: (k) => real.create(k),
      update: (kid, f) => real.update(kid, f),
    };
    await createFileKey(config, real, { state: 'active', activatedAt: T0, createdAt: T0 });
  });
  afterAll(() => ddb.close());

  test('no store read per token; re-read after the cache lifetime; stale list only up to the staleness bound', async () => {
    const ring = createKeyRing(config, { keyStore: store, clock });
    const first = await ring.activeSigner();
    for (let i = 0; i < 50; i++) await ring.activeSigner();
    await ring.jwks();
    expect(reads).toBe(1);

    clock.advance(29_000);
    await ring.activeSigner();
    expect(reads).toBe(1);
    clock.advance(1_000);
    await ring.activeSigner();
    expect(reads).toBe(2);

    // The store fails: the last list serves until it is 60 s old, then 503.
    down = true;
    clock.advance(30_000);
    expect((await ring.activeSigner()).kid).toBe(first.kid);
    expect(reads).toBe(3);
    await ring.activeSigner(); // no retry storm: the next attempt waits a few seconds
    expect(reads).toBe(3);
    clock.advance(5_000);
    await ring.activeSigner();
    expect(reads).toBe(4);
    clock.advance(24_000);
    expect((await ring.activeSigner()).kid).toBe(first.kid);
    clock.advance(1_000);
    await expect(ring.activeSigner()).rejects.toMatchObject({ code: 'temporarily_unavailable', status: 503 });
    await expect(ring.jwks()).rejects.toMatchObject({ code: 'temporarily_unavailable' });

    down = false;
    expect((await ring.activeSigner()).kid).toBe(first.kid);
  });

  test('signers are built once per key and reused', async () => {
    const ring = createKeyRing(config, { keyStore: store, clock });
    expect(await ring.activeSigner()).toBe(await ring.activeSigner());
  });
});

describe('the key ring only reads the key store (the functions may not write it)', () => {
  let ddb: TestDynamo;
  const clock = new FrozenClock(T0 * 1000);
  beforeAll(async () => {
    ddb = await startDynalite({ clock, tableName: 'ring-read-only' });
  });
  afterAll(() => ddb.close());

  test('no key yet: 503 temporarily_unavailable (no_signing_key) and nothing written; after `keys init` the key signs within the cache lifetime', async () => {
    const real = new DynamoKeyStore(ddb.table);
    const writes: string[] = [];
    const store: KeyStore = {
      list: () => real.list(),
      get: (kid) => real.get(kid),
      create: async (k) => {
        writes.push(`create ${k.kid}`);
        throw new Error('AccessDenied: the function role may not write keys');
      },
      update: async (kid) => {
        writes.push(`update ${kid}`);
        throw new Error('AccessDenied: the function role may not write keys');
      },
    };
    const ring = createKeyRing(config, { keyStore: store, clock });
    const unavailable = { code: 'temporarily_unavailable', status: 503, reason: 'no_signing_key', headers: { 'Retry-After': expect.stringMatching(/^\d+$/) } };
    await expect(ring.activeSigner()).rejects.toMatchObject(unavailable);
    await expect(ring.jwks()).rejects.toMatchObject(unavailable);
    expect(writes).toEqual([]);
    expect(await real.list()).toEqual([]);

    const { record, created } = await initKeys(config, { keyStore: real, clock });
    expect(created).toBe(true);
    // Idempotent: a second run keeps the key.
    expect(await initKeys(config, { keyStore: real, clock })).toMatchObject({ record: { kid: record.kid }, created: false });
    clock.advance(t.cacheSeconds * 1000);
    expect((await ring.activeSigner()).kid).toBe(record.kid);
    expect((await ring.jwks()).keys.map((k) => k.kid)).toEqual([record.kid]);
    expect(writes).toEqual([]);
  });
});
