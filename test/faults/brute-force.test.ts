/**
 * Brute-force protection of client authentication (RFC 6749 §2.3.1, §10.10): lockout with exponential
 * back-off, state in DynamoDB (dynalite) so it holds across containers, frozen clock.
 */
import { ClientLockout } from '../../lib/lockout/lockout';
import { lockoutPolicy } from '../../lib/lockout/policy';
import { handleRevocationRequest } from '../../lib/endpoints/revoke';
import { DynamoLockoutStore, lockoutKey } from '../../lib/stores/dynamo/lockout-store';
import { handleTokenRequest, type TokenEndpointDeps } from '../../lib/endpoints/token';
import { CachedClientLookup } from '../../lib/clients/client-cache';
import { startDynalite, type TestDynamo } from '../../testkit/dynalite';
import { basic, formRequest, tokenFixture } from '../../testkit/token-fixture';
import type { LockoutStore, RevocationStore } from '../../lib/stores/ports';
import type { LockoutState } from '../../lib/models/lockout';

let ddb: TestDynamo;
beforeAll(async () => {
  ddb = await startDynalite();
});
afterAll(() => ddb.close());

/** The real DynamoDB store, with its calls counted (what a container costs the table). */
class CountingStore implements LockoutStore {
  gets = 0;
  failures = 0;
  clears = 0;
  constructor(readonly inner: DynamoLockoutStore) {}
  get(id: string, nowMs: number) {
    this.gets++;
    return this.inner.get(id, nowMs);
  }
  recordFailure(id: string, opts: { nowMs: number; ttlSeconds: number; knownAbsent?: boolean }) {
    this.failures++;
    return this.inner.recordFailure(id, opts);
  }
  clear(id: string, nowMs: number) {
    this.clears++;
    return this.inner.clear(id, nowMs);
  }
}

async function setup(env: Record<string, string> = {}) {
  const f = await tokenFixture({ env });
  const { client, secret } = await f.admin.create({ name: 'app', scopes: ['read:data'] });
  const store = new CountingStore(new DynamoLockoutStore(ddb.table));
  const policy = lockoutPolicy(f.config);
  /** One Lambda container: its own client cache and lockout memory, the shared table. */
  const container = (): TokenEndpointDeps => ({
    ...f.deps,
    clients: new CachedClientLookup(f.store, f.config.clientCacheTtlMs, 100, f.clock),
    lockout: new ClientLockout(store, { policy, cacheTtlMs: f.config.clientCacheTtlMs, clock: f.clock, audit: f.audit }),
  });
  const deps = container();
  const call = (id: string, sec: string, d: TokenEndpointDeps = deps) =>
    handleTokenRequest(formRequest('grant_type=client_credentials', { Authorization: basic(id, sec) }), d);
  const status = async (id: string, sec: string, d: TokenEndpointDeps = deps) => (await call(id, sec, d)).statusCode;
  const record = (id: string) => store.inner.get(id, f.clock.now());
  return { ...f, client, secret, id: client.clientId, store, policy, container, deps, call, status, record };
}

const body = (res: { body: string }) => JSON.parse(res.body) as Record<string, unknown>;

describe('brute force: lockout with exponential back-off', () => {
  test('five wrong secrets get 401; the sixth gets 429 invalid_client with Retry-After, audited as client.locked_out', async () => {
    const s = await setup();
    for (let i = 0; i < 5; i++) expect(await s.status(s.id, `wrong-${i}`)).toBe(401);
    const res = await s.call(s.id, 'wrong-5');
    expect(res.statusCode).toBe(429);
    expect(body(res)).toEqual({ error: 'invalid_client', error_description: expect.stringMatching(/Too many failed client authentications/) });
    expect(res.headers['Retry-After']).toBe('1');
    expect(res.headers['Cache-Control']).toBe('no-store');
    expect(res.headers['WWW-Authenticate']).toBeUndefined();

    const locked = s.audit.events.filter((e) => e.event === 'client.locked_out');
    expect(locked).toHaveLength(1);
    expect(locked[0]).toMatchObject({
      outcome: 'failure',
      reason: 'too_many_failures',
      client_id: s.id,
      source_ip: '192.0.2.1',
      detail: { failures: 6, lockout_seconds: 1, last_failure: 'bad_secret', locked_until: new Date(s.clock.now() + 1000).toISOString() },
    });
    expect(s.audit.events.at(-1)).toMatchObject({ event: 'token.denied', outcome: 'failure', reason: 'locked_out', detail: { error: 'invalid_client' } });
    expect(JSON.stringify(s.audit.events)).not.toContain(s.secret);
  });

  test('during a lock even the correct secret is refused; once it ends the client gets a token and the count starts over', async () => {
    const s = await setup();
    for (let i = 0; i < 6; i++) await s.call(s.id, 'wrong');
    const during = await s.call(s.id, s.secret);
    expect(during.statusCode).toBe(429);
    expect(body(during).access_token).toBeUndefined();
    s.clock.advance(999);
    expect(await s.status(s.id, s.secret)).toBe(429);
    s.clock.advance(1);
    expect(await s.status(s.id, s.secret)).toBe(200);
    expect(await s.record(s.id)).toBeUndefined(); // the success forgot the count
    // A fresh count: five more free failures, then a lock of the base length again.
    for (let i = 0; i < 5; i++) expect(await s.status(s.id, 'wrong')).toBe(401);
    const again = await s.call(s.id, 'wrong');
    expect([again.statusCode, again.headers['Retry-After']]).toEqual([429, '1']);
  });

  test('each failure after a lock ends doubles the lock, up to the max (1, 2, 4 … 256, 300, 300 s)', async () => {
    const s = await setup();
    for (let i = 0; i < 5; i++) await s.call(s.id, 'wrong');
    const seen: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await s.call(s.id, 'wrong');
      expect(res.statusCode).toBe(429);
      seen.push(Number(res.headers['Retry-After']));
      s.clock.advance(seen[i] * 1000);
    }
    expect(seen).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
    expect((await s.record(s.id))?.failures).toBe(16);
  });

  test('attempts during a lock are refused from memory: not counted, the lock is not extended, no store call', async () => {
    const s = await setup();
    for (let i = 0; i < 8; i++) {
      await s.call(s.id, 'wrong');
      s.clock.advance(4_000); // past each lock
    }
    s.clock.advance(-4_000); // back inside the last lock: failure 8 → 4 s
    const calls = () => s.store.gets + s.store.failures + s.store.clears;
    const before = calls();
    const retryAfter: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await s.call(s.id, i % 2 ? s.secret : 'wrong');
      expect(res.statusCode).toBe(429);
      retryAfter.push(res.headers['Retry-After']);
      s.clock.advance(1_000);
    }
    expect(retryAfter).toEqual(['4', '3', '2', '1']);
    expect(calls()).toBe(before);
    expect((await s.record(s.id))?.failures).toBe(8);
    expect(await s.status(s.id, s.secret)).toBe(200); // ended on time
  });

  test('a success resets the count: four failures, a success, five failures → still no lock', async () => {
    const s = await setup();
    for (let i = 0; i < 4; i++) expect(await s.status(s.id, 'wrong')).toBe(401);
    expect(await s.status(s.id, s.secret)).toBe(200);
    for (let i = 0; i < 5; i++) expect(await s.status(s.id, 'wrong')).toBe(401);
    expect((await s.record(s.id))?.failures).toBe(5);
  });

  test('the lock holds across containers: another container refuses the correct secret (at once if it knows nothing, within the cache bound if it does)', async () => {
    const s = await setup({ PORTCULLIS_BRUTE_FORCE_BASE_LOCKOUT_SECONDS: '60', PORTCULLIS_BRUTE_FORCE_MAX_LOCKOUT_SECONDS: '600' });
    const b = s.container();
    expect(await s.status(s.id, s.secret, b)).toBe(200); // b now trusts "not locked" for the cache TTL
    for (let i = 0; i < 6; i++) await s.call(s.id, 'wrong'); // container a: locked for 60 s
    const fresh = s.container();
    const res = await s.call(s.id, s.secret, fresh);
    expect(res.statusCode).toBe(429);
    expect(res.headers['Retry-After']).toBe('60');
    s.clock.advance(s.config.clientCacheTtlMs);
    const later = await s.call(s.id, s.secret, b);
    expect(later.statusCode).toBe(429);
    expect(Number(later.headers['Retry-After'])).toBe(60 - s.config.clientCacheTtlMs / 1000);
  });

  test('a container that did not know of the lock counts its failure and refuses at once', async () => {
    const s = await setup({ PORTCULLIS_BRUTE_FORCE_BASE_LOCKOUT_SECONDS: '60', PORTCULLIS_BRUTE_FORCE_MAX_LOCKOUT_SECONDS: '600' });
    const b = s.container();
    expect(await s.status(s.id, s.secret, b)).toBe(200);
    for (let i = 0; i < 6; i++) await s.call(s.id, 'wrong');
    const res = await s.call(s.id, 'wrong', b);
    expect(res.statusCode).toBe(429);
    expect(res.headers['Retry-After']).toBe('120');
    expect(await s.status(s.id, s.secret, b)).toBe(429);
  });

  test('concurrent failures across containers are counted exactly (atomic UpdateItem): 5 × 401, the rest 429', async () => {
    const s = await setup({ PORTCULLIS_BRUTE_FORCE_BASE_LOCKOUT_SECONDS: '60', PORTCULLIS_BRUTE_FORCE_MAX_LOCKOUT_SECONDS: '600' });
    const containers = [s.deps, s.container(), s.container()];
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => s.status(s.id, `wrong-${i}`, containers[i % 3])));
    expect(results.filter((r) => r === 401)).toHaveLength(5);
    expect(results.filter((r) => r === 429)).toHaveLength(19);
    expect((await s.record(s.id))?.failures).toBe(24);
  });

  test('unknown client ids are throttled exactly like known ones (no enumeration oracle)', async () => {
    const s = await setup();
    const unknown = `pc_nobody${Math.random().toString(36).slice(2)}`;
    const answers = async (id: string) => {
      const out: Array<[number, string, string | undefined]> = [];
      for (let i = 0; i < 7; i++) {
        const res = await s.call(id, 'wrong');
        out.push([res.statusCode, res.body, res.headers['Retry-After']]);
      }
      return out;
    };
    const known = await answers(s.id);
    expect(await answers(unknown)).toEqual(known);
    expect(known.map((a) => a[0])).toEqual([401, 401, 401, 401, 401, 429, 429]);
    expect(s.audit.events.filter((e) => e.event === 'client.locked_out').map((e) => e.detail?.last_failure)).toEqual(['bad_secret', 'unknown_client']);
  });

  test('records of guessed ids expire: TTL = 2 × max lockout after the last failure, then they are absent', async () => {
    const s = await setup();
    const ids = Array.from({ length: 20 }, (_, i) => `pc_guess${i}-${Math.random().toString(36).slice(2)}`);
    for (const id of ids) expect(await s.status(id, 'wrong')).toBe(401);
    const nowS = Math.floor(s.clock.now() / 1000);
    const states = (await Promise.all(ids.map((id) => s.record(id)))) as LockoutState[];
    for (const st of states) expect(st).toEqual({ failures: 1, lastFailureAt: s.clock.now(), expiresAt: nowS + 2 * s.policy.maxLockoutSeconds });
    s.clock.advance(2 * s.policy.maxLockoutSeconds * 1000);
    for (const id of ids) expect(await s.record(id)).toBeUndefined();
    // An expired record is replaced, not added to: the count starts at one.
    expect(await s.status(ids[0], 'wrong')).toBe(401);
    expect((await s.record(ids[0]))?.failures).toBe(1);
  });

  test('a huge client id is counted under a hashed key (no DynamoDB key-size error, no 5xx)', async () => {
    const s = await setup();
    const huge = `x${'a'.repeat(10_000)}`;
    expect(lockoutKey(huge)).toMatch(/^lockout-h#[0-9a-f]{64}$/);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push(await s.status(huge, 'wrong'));
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  test('steady state: no lockout store call per request; one read per client id per container per cache TTL', async () => {
    const s = await setup();
    for (let i = 0; i < 20; i++) expect(await s.status(s.id, s.secret)).toBe(200);
    expect([s.store.gets, s.store.failures, s.store.clears]).toEqual([1, 0, 0]);
    s.clock.advance(s.config.clientCacheTtlMs);
    for (let i = 0; i < 20; i++) await s.call(s.id, s.secret);
    expect([s.store.gets, s.store.failures, s.store.clears]).toEqual([2, 0, 0]);
  });

  test('a disabled client presenting its correct secret is not counted as a guess', async () => {
    const s = await setup();
    await s.admin.setStatus(s.id, 'disabled');
    for (let i = 0; i < 10; i++) expect(await s.status(s.id, s.secret)).toBe(401);
    expect(await s.record(s.id)).toBeUndefined();
  });

  test('the revoke endpoint shares the lockout: failures there lock the token endpoint too', async () => {
    const s = await setup();
    const revocations = {} as RevocationStore; // never reached: authentication fails first
    const revoke = (sec: string) => handleRevocationRequest(formRequest('token=x', { Authorization: basic(s.id, sec) }), { ...s.deps, revocations });
    for (let i = 0; i < 5; i++) expect((await revoke('wrong')).statusCode).toBe(401);
    const res = await revoke('wrong');
    expect(res.statusCode).toBe(429);
    expect(body(res).error).toBe('invalid_client');
    expect(await s.status(s.id, s.secret)).toBe(429);
  });
});
