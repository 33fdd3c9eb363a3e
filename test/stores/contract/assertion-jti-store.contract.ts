/** What every AssertionJtiStore must do, run against each adapter (DynamoDB on dynalite, in-memory). */
import type { AssertionJtiStore } from '../../../lib/stores/ports';

const NOW = Date.UTC(2026, 5, 1) / 1000;

export function assertionJtiStoreContract(name: string, make: () => Promise<AssertionJtiStore>): void {
  describe(`${name} assertion jti store`, () => {
    let store: AssertionJtiStore;
    beforeEach(async () => {
      store = await make();
    });

    test('a jti is claimed once; the second claim is a replay', async () => {
      expect(await store.claim('c1', 'j1', { expiresAt: NOW + 60, nowSeconds: NOW })).toBe(true);
      expect(await store.claim('c1', 'j1', { expiresAt: NOW + 60, nowSeconds: NOW + 30 })).toBe(false);
      expect(await store.claim('c1', 'j1', { expiresAt: NOW + 90, nowSeconds: NOW + 59 })).toBe(false);
    });

    test('jtis are per client: another client may use the same jti', async () => {
      expect(await store.claim('c1', 'same', { expiresAt: NOW + 60, nowSeconds: NOW })).toBe(true);
      expect(await store.claim('c2', 'same', { expiresAt: NOW + 60, nowSeconds: NOW })).toBe(true);
      expect(await store.claim('c1', 'other', { expiresAt: NOW + 60, nowSeconds: NOW })).toBe(true);
    });

    test('past its expiry the record is absent (its assertion is refused as expired by then)', async () => {
      expect(await store.claim('c1', 'j1', { expiresAt: NOW + 60, nowSeconds: NOW })).toBe(true);
      expect(await store.claim('c1', 'j1', { expiresAt: NOW + 200, nowSeconds: NOW + 60 })).toBe(true);
    });

    test('long and odd jtis fit', async () => {
      const jti = `${'€'.repeat(300)}\u0000/#`;
      expect(await store.claim('c1', jti, { expiresAt: NOW + 60, nowSeconds: NOW })).toBe(true);
      expect(await store.claim('c1', jti, { expiresAt: NOW + 60, nowSeconds: NOW })).toBe(false);
    });

    test('concurrent claims of one jti: exactly one wins', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, () => store.claim('c3', 'race', { expiresAt: NOW + 60, nowSeconds: NOW })));
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });
}
