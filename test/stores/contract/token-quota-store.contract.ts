/** What every TokenQuotaStore must do, run against each adapter (DynamoDB on dynalite, in-memory). */
import type { TokenQuotaStore } from '../../../lib/stores/ports';

const W = { index: 29_661_120, endsAt: 1_779_667_260 };

export function tokenQuotaStoreContract(name: string, make: () => Promise<TokenQuotaStore>): void {
  describe(`${name} token quota store`, () => {
    let store: TokenQuotaStore;
    beforeEach(async () => {
      store = await make();
    });

    test('counts up to the limit, then refuses without counting', async () => {
      expect(await store.used('c1', W)).toBe(0);
      for (let i = 0; i < 3; i++) expect(await store.take('c1', W, 3)).toBe(true);
      expect(await store.take('c1', W, 3)).toBe(false);
      expect(await store.used('c1', W)).toBe(3);
    });

    test('windows and clients are counted apart; a higher limit admits more in the same window', async () => {
      expect(await store.take('c1', W, 1)).toBe(true);
      expect(await store.take('c1', W, 1)).toBe(false);
      expect(await store.take('c1', { index: W.index + 1, endsAt: W.endsAt + 60 }, 1)).toBe(true);
      expect(await store.take('c2', W, 1)).toBe(true);
      expect(await store.take('c1', W, 2)).toBe(true);
      expect(await store.used('c1', W)).toBe(2);
    });

    test('concurrent takes never exceed the limit', async () => {
      const results = await Promise.all(Array.from({ length: 20 }, () => store.take('c3', W, 7)));
      expect(results.filter(Boolean)).toHaveLength(7);
      expect(await store.used('c3', W)).toBe(7);
    });
  });
}
