/** What every KeyStore must do, run against each adapter (DynamoDB on dynalite, in-memory). */
import type { KeyRecord } from '../../../lib/models/key';
import { ConflictError, NotFoundError, type KeyStore } from '../../../lib/stores/ports';

const key = (kid: string, over: Partial<KeyRecord> = {}): KeyRecord => ({
  kid,
  alg: 'RS256',
  source: 'file',
  ref: `${kid}.pem`,
  publicJwk: { kty: 'RSA', kid, alg: 'RS256', use: 'sig', n: 'n', e: 'AQAB' },
  state: 'active',
  createdAt: 1,
  ...over,
});

export function keyStoreContract(name: string, make: () => Promise<KeyStore>): void {
  describe(`${name} key store`, () => {
    let store: KeyStore;
    beforeEach(async () => {
      store = await make();
    });

    test('create, get, list, update', async () => {
      await store.create(key('k1'));
      await store.create(key('k2', { state: 'next' }));
      expect((await store.get('k1'))?.ref).toBe('k1.pem');
      expect((await store.list()).map((k) => k.kid).sort()).toEqual(['k1', 'k2']);
      const after = await store.update('k1', (k) => ({ ...k, state: 'previous', deactivatedAt: 5 }));
      expect(after).toMatchObject({ state: 'previous', deactivatedAt: 5 });
      expect((await store.get('k1'))?.state).toBe('previous');
    });

    test('a kid is created once; an unknown kid reads as undefined and updates as NotFoundError', async () => {
      await store.create(key('k1'));
      await expect(store.create(key('k1'))).rejects.toBeInstanceOf(ConflictError);
      expect(await store.get('nope')).toBeUndefined();
      await expect(store.update('nope', (k) => k)).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}
