/** What every ClientStore must do, run against each adapter (DynamoDB on dynalite, in-memory). */
import type { ClientRecord } from '../../../lib/models/client';
import { ConflictError, NotFoundError, type ClientStore } from '../../../lib/stores/ports';

export const clientRecord = (id: string, over: Partial<ClientRecord> = {}): ClientRecord => ({
  clientId: id,
  name: 'n',
  allowedScopes: ['read:data'],
  defaultScopes: ['read:data'],
  grantTypes: ['client_credentials'],
  status: 'active',
  secrets: [{ hash: 'ab', createdAt: 1 }],
  createdAt: 1,
  updatedAt: 1,
  ...over,
});

export function clientStoreContract(name: string, make: () => Promise<ClientStore>): void {
  describe(`${name} client store`, () => {
    let store: ClientStore;
    beforeEach(async () => {
      store = await make();
    });

    test('create, get, list, update', async () => {
      await store.create(clientRecord('a'));
      await store.create(clientRecord('b', { name: 'second' }));
      expect((await store.get('a'))?.name).toBe('n');
      expect((await store.list()).map((c) => c.clientId).sort()).toEqual(['a', 'b']);
      const updated = await store.update('a', (c) => ({ ...c, status: 'disabled' }));
      expect(updated.status).toBe('disabled');
      expect((await store.get('a'))?.status).toBe('disabled');
    });

    test('a duplicate id is a ConflictError; an unknown one reads as undefined and updates as NotFoundError', async () => {
      await store.create(clientRecord('a'));
      await expect(store.create(clientRecord('a'))).rejects.toBeInstanceOf(ConflictError);
      expect(await store.get('zzz')).toBeUndefined();
      await expect(store.update('nope', (c) => c)).rejects.toBeInstanceOf(NotFoundError);
    });

    test('what a caller holds is a copy: changing it changes nothing stored', async () => {
      await store.create(clientRecord('a'));
      const got = (await store.get('a'))!;
      got.allowedScopes.push('write:data');
      expect((await store.get('a'))!.allowedScopes).toEqual(['read:data']);
    });
  });
}
