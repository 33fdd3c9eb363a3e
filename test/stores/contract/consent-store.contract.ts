/** What every ConsentStore must do (DynamoDB on dynalite, in-memory): per user and client, scopes accumulate. */
import type { ConsentStore } from '../../../lib/stores/ports';

export function consentStoreContract(name: string, make: () => Promise<ConsentStore>): void {
  describe(`${name} consent store`, () => {
    let store: ConsentStore;
    beforeEach(async () => {
      store = await make();
    });

    test('grants accumulate per user and client', async () => {
      expect(await store.get('usr_a', 'c1')).toBeUndefined();
      expect(await store.grant('usr_a', 'c1', ['read:data'], 100)).toEqual({ sub: 'usr_a', clientId: 'c1', scopes: ['read:data'], grantedAt: 100, updatedAt: 100 });
      const after = await store.grant('usr_a', 'c1', ['write:data', 'read:data'], 200);
      expect(after).toEqual({ sub: 'usr_a', clientId: 'c1', scopes: ['read:data', 'write:data'], grantedAt: 100, updatedAt: 200 });
      expect(await store.get('usr_a', 'c1')).toEqual(after);
      expect(await store.get('usr_a', 'c2')).toBeUndefined();
      expect(await store.get('usr_b', 'c1')).toBeUndefined();
    });

    test('concurrent grants all count', async () => {
      await Promise.all(['a', 'b', 'c', 'd'].map((s) => store.grant('usr_a', 'c1', [s], 100)));
      expect((await store.get('usr_a', 'c1'))?.scopes.sort()).toEqual(['a', 'b', 'c', 'd']);
    });

    test('revoke forgets one client, or all of a user, and says how many', async () => {
      await store.grant('usr_a', 'c1', ['x'], 1);
      await store.grant('usr_a', 'c2', ['x'], 1);
      await store.grant('usr_a', 'c3', ['x'], 1);
      await store.grant('usr_b', 'c1', ['x'], 1);
      expect(await store.revoke('usr_a', 'c1')).toBe(1);
      expect(await store.revoke('usr_a', 'c1')).toBe(0);
      expect((await store.list('usr_a')).map((c) => c.clientId).sort()).toEqual(['c2', 'c3']);
      expect(await store.revoke('usr_a')).toBe(2);
      expect(await store.list('usr_a')).toEqual([]);
      expect(await store.get('usr_b', 'c1')).toBeDefined();
    });
  });
}
