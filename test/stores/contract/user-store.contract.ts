/** What every UserStore must do, run against each adapter (DynamoDB on dynalite, in-memory). */
import type { UserRecord } from '../../../lib/models/user';
import { ConflictError, NotFoundError, type UserStore } from '../../../lib/stores/ports';

const user = (over: Partial<UserRecord> = {}): UserRecord => ({
  sub: 'usr_alice',
  username: 'alice',
  roles: ['reader'],
  status: 'active',
  passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g',
  createdAt: 1_780_000_000,
  updatedAt: 1_780_000_000,
  passwordChangedAt: 1_780_000_000,
  ...over,
});

export function userStoreContract(name: string, make: () => Promise<UserStore>): void {
  describe(`${name} user store`, () => {
    let store: UserStore;
    beforeEach(async () => {
      store = await make();
    });

    test('a user is found by sub and by username; unknown ones are undefined', async () => {
      await store.create(user());
      expect(await store.get('usr_alice')).toEqual(user());
      expect(await store.findByUsername('alice')).toEqual(user());
      expect(await store.get('usr_nobody')).toBeUndefined();
      expect(await store.findByUsername('nobody')).toBeUndefined();
    });

    test('a username is taken once, also under concurrent creates; the loser leaves nothing behind', async () => {
      const results = await Promise.allSettled([store.create(user({ sub: 'usr_1' })), store.create(user({ sub: 'usr_2' }))]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(lost.reason).toBeInstanceOf(ConflictError);
      expect(String(lost.reason.message)).toMatch(/username "alice" is taken/);
      expect((await store.list()).map((u) => u.sub)).toHaveLength(1);
      await expect(store.create(user({ sub: 'usr_3' }))).rejects.toBeInstanceOf(ConflictError);
    });

    test('update changes the record, never its username or sub; unknown users are NotFoundError', async () => {
      await store.create(user());
      const next = await store.update('usr_alice', (u) => ({ ...u, roles: ['writer'], status: 'disabled' }));
      expect(next.roles).toEqual(['writer']);
      expect((await store.findByUsername('alice'))?.status).toBe('disabled');
      await expect(store.update('usr_alice', (u) => ({ ...u, username: 'mallory' }))).rejects.toThrow(/cannot change/);
      await expect(store.update('usr_nobody', (u) => u)).rejects.toBeInstanceOf(NotFoundError);
    });

    test('delete removes the user and frees the username', async () => {
      await store.create(user());
      await store.delete('usr_alice');
      expect(await store.get('usr_alice')).toBeUndefined();
      expect(await store.findByUsername('alice')).toBeUndefined();
      expect(await store.list()).toEqual([]);
      await store.create(user({ sub: 'usr_alice2' }));
      expect((await store.findByUsername('alice'))?.sub).toBe('usr_alice2');
      await expect(store.delete('usr_nobody')).rejects.toBeInstanceOf(NotFoundError);
    });

    test('list returns every user', async () => {
      await store.create(user());
      await store.create(user({ sub: 'usr_bob', username: 'bob' }));
      expect((await store.list()).map((u) => u.username).sort()).toEqual(['alice', 'bob']);
    });
  });
}
