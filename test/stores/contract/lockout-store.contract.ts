/** What every LockoutStore must do, run against each adapter (DynamoDB on dynalite, in-memory). */
import type { LockoutStore } from '../../../lib/stores/ports';

const T0 = Date.UTC(2026, 5, 1);

export function lockoutStoreContract(name: string, make: () => Promise<LockoutStore>): void {
  describe(`${name} lockout store`, () => {
    let store: LockoutStore;
    beforeEach(async () => {
      store = await make();
    });

    test('failures count up, each pushing the record\'s expiry forward', async () => {
      expect(await store.get('c1', T0)).toBeUndefined();
      expect(await store.recordFailure('c1', { nowMs: T0, ttlSeconds: 600 })).toEqual({ failures: 1, lastFailureAt: T0, expiresAt: T0 / 1000 + 600 });
      const second = await store.recordFailure('c1', { nowMs: T0 + 5_000, ttlSeconds: 600 });
      expect(second).toEqual({ failures: 2, lastFailureAt: T0 + 5_000, expiresAt: T0 / 1000 + 605 });
      expect(await store.get('c1', T0 + 6_000)).toEqual(second);
      expect(await store.get('other', T0)).toBeUndefined();
    });

    test('a record past its expiry is absent, and counting starts again', async () => {
      await store.recordFailure('c1', { nowMs: T0, ttlSeconds: 10 });
      expect(await store.get('c1', T0 + 10_000)).toBeUndefined();
      expect((await store.recordFailure('c1', { nowMs: T0 + 10_000, ttlSeconds: 10 })).failures).toBe(1);
    });

    test('clear forgets the count at once', async () => {
      await store.recordFailure('c1', { nowMs: T0, ttlSeconds: 600 });
      await store.clear('c1', T0 + 1000);
      expect(await store.get('c1', T0 + 1000)).toBeUndefined();
      expect((await store.recordFailure('c1', { nowMs: T0 + 2000, ttlSeconds: 600 })).failures).toBe(1);
    });

    test('concurrent failures all count', async () => {
      await Promise.all(Array.from({ length: 10 }, () => store.recordFailure('c2', { nowMs: T0, ttlSeconds: 600 })));
      expect((await store.get('c2', T0))?.failures).toBe(10);
    });
  });
}
