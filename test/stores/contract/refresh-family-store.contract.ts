/** What every RefreshFamilyStore must do, run against each adapter (DynamoDB on dynalite, in-memory). */
import type { RefreshFamily } from '../../../lib/models/refresh-family';
import type { UserRecord } from '../../../lib/models/user';
import type { RefreshFamilyStore, RevocationStore, RotateRequest, UserStore } from '../../../lib/stores/ports';
import { ConflictError } from '../../../lib/stores/ports';
import type { FrozenClock } from '../../../testkit/frozen-clock';

export interface RefreshFamilyWorld {
  store: RefreshFamilyStore;
  users: UserStore;
  revocations: RevocationStore;
  clock: FrozenClock;
}

export function refreshFamilyStoreContract(name: string, make: () => Promise<RefreshFamilyWorld>): void {
  describe(`${name} refresh family store`, () => {
    let w: RefreshFamilyWorld;
    let now: number;
    const family = (over: Partial<RefreshFamily> = {}): RefreshFamily => ({
      familyKey: 'fam1',
      gid: 'gid1',
      sub: 'usr_a',
      clientId: 'c1',
      sid: 'sid1',
      authTime: now - 100,
      scopes: ['openid', 'read:data'],
      lastScopes: ['openid', 'read:data'],
      createdAt: now,
      lastUsedAt: now,
      generation: 1,
      currentHash: 'h1',
      rotatedAt: now,
      retiredHashes: [],
      rotation: true,
      absoluteExpiresAt: now + 30 * 86_400,
      idleLifetimeSeconds: 7 * 86_400,
      expiresAt: now + 7 * 86_400,
      ...over,
    });
    const rotate = (over: Partial<RotateRequest>): RotateRequest => ({
      from: 'current',
      presentedHash: 'h1',
      newHash: 'h2',
      nowSeconds: now,
      graceStartsAfter: now - 10,
      retiredHashes: [],
      expiresAt: now + 7 * 86_400,
      scopes: ['read:data'],
      ...over,
    });
    const user: UserRecord = { sub: 'usr_a', username: 'alice', roles: ['reader'], status: 'active', passwordHash: 'x', createdAt: 1, updatedAt: 1, passwordChangedAt: 1 };
    const keys = { sub: 'usr_a', familyKey: 'fam1', gid: 'gid1', sid: 'sid1' };

    beforeEach(async () => {
      w = await make();
      now = Math.floor(w.clock.now() / 1000);
    });

    test('create, then read the family with its user and revocation records in one call; a second create conflicts', async () => {
      await w.store.create(family());
      await expect(w.store.create(family())).rejects.toBeInstanceOf(ConflictError);
      expect(await w.store.read(keys)).toEqual({ family: family(), user: undefined, grantRevocation: undefined, sessionRevocation: undefined });
      await w.users.create(user);
      await w.revocations.revokeGrant('gid1', { by: 't' });
      await w.revocations.revokeSession('sid1', { notBefore: now, by: 'logout' });
      const state = await w.store.read(keys);
      expect(state.user).toMatchObject({ sub: 'usr_a', status: 'active' });
      expect(state.grantRevocation).toMatchObject({ kind: 'grant', gid: 'gid1' });
      expect(state.sessionRevocation).toMatchObject({ kind: 'session', sid: 'sid1', notBefore: now });
      expect((await w.store.read({ ...keys, familyKey: 'other' })).family).toBeUndefined();
    });

    test('RFC 8707: a family keeps its resource (absent when the default audience)', async () => {
      await w.store.create(family({ familyKey: 'famR', resource: 'https://api2.example' }));
      expect((await w.store.get('usr_a', 'famR'))?.resource).toBe('https://api2.example');
      await w.store.create(family());
      expect(await w.store.get('usr_a', 'fam1')).not.toHaveProperty('resource');
    });

    test('rotation from the current token: it becomes previous, the new one current, generation + 1; a stale hash changes nothing', async () => {
      await w.store.create(family({ previousHash: 'h0' }));
      w.clock.advance(5_000);
      const at = now + 5;
      expect(await w.store.rotate('usr_a', 'fam1', rotate({ nowSeconds: at, retiredHashes: ['h0'] }))).toBe(true);
      expect(await w.store.get('usr_a', 'fam1')).toMatchObject({ currentHash: 'h2', previousHash: 'h1', retiredHashes: ['h0'], generation: 2, rotatedAt: at, lastUsedAt: at, lastScopes: ['read:data'] });
      expect(await w.store.rotate('usr_a', 'fam1', rotate({ nowSeconds: at, newHash: 'h9' }))).toBe(false);
      expect((await w.store.get('usr_a', 'fam1'))?.currentHash).toBe('h2');
    });

    test('from the previous token only inside its grace window, and only the current token changes', async () => {
      await w.store.create(family());
      expect(await w.store.rotate('usr_a', 'fam1', rotate({}))).toBe(true);
      w.clock.advance(3_000);
      expect(await w.store.rotate('usr_a', 'fam1', rotate({ from: 'previous', newHash: 'h3', nowSeconds: now + 3, graceStartsAfter: now + 3 - 10 }))).toBe(true);
      expect(await w.store.get('usr_a', 'fam1')).toMatchObject({ currentHash: 'h3', previousHash: 'h1', rotatedAt: now, generation: 3 });
      w.clock.advance(10_000);
      expect(await w.store.rotate('usr_a', 'fam1', rotate({ from: 'previous', newHash: 'h4', nowSeconds: now + 13, graceStartsAfter: now + 13 - 10 }))).toBe(false);
      expect((await w.store.get('usr_a', 'fam1'))?.currentHash).toBe('h3');
    });

    test('keep (rotation off): the same current token, generation + 1; a revoked family is not rotated; revoking twice writes once', async () => {
      await w.store.create(family({ rotation: false }));
      expect(await w.store.rotate('usr_a', 'fam1', rotate({ from: 'keep', newHash: 'h1' }))).toBe(true);
      expect(await w.store.get('usr_a', 'fam1')).toMatchObject({ currentHash: 'h1', generation: 2 });
      expect(await w.store.revoke('usr_a', 'fam1', { nowSeconds: now, reason: 'reused', by: 'refresh-reuse' })).toBe(true);
      expect(await w.store.revoke('usr_a', 'fam1', { nowSeconds: now, reason: 'revoked' })).toBe(false);
      expect(await w.store.get('usr_a', 'fam1')).toMatchObject({ revokedAt: now, revokedReason: 'reused', revokedBy: 'refresh-reuse' });
      expect(await w.store.rotate('usr_a', 'fam1', rotate({ from: 'keep', newHash: 'h1' }))).toBe(false);
      expect(await w.store.revoke('usr_a', 'nope', { nowSeconds: now, reason: 'revoked' })).toBe(false);
    });

    test("a user's families are listed from their partition; past its TTL a family is absent everywhere", async () => {
      await w.store.create(family());
      await w.store.create(family({ familyKey: 'fam2', expiresAt: now + 60 }));
      await w.store.create(family({ familyKey: 'fam3', sub: 'usr_b' }));
      expect((await w.store.list('usr_a')).map((f) => f.familyKey).sort()).toEqual(['fam1', 'fam2']);
      w.clock.advance(61_000);
      expect((await w.store.list('usr_a')).map((f) => f.familyKey)).toEqual(['fam1']);
      expect(await w.store.get('usr_a', 'fam2')).toBeUndefined();
      expect((await w.store.read({ ...keys, familyKey: 'fam2' })).family).toBeUndefined();
      expect(await w.store.rotate('usr_a', 'fam2', rotate({ nowSeconds: now + 61 }))).toBe(false);
      expect(await w.store.revoke('usr_a', 'fam2', { nowSeconds: now + 61, reason: 'revoked' })).toBe(false);
      // An expired family's key may start a new family.
      await w.store.create(family({ familyKey: 'fam2', createdAt: now + 61, expiresAt: now + 1000 }));
      expect((await w.store.get('usr_a', 'fam2'))?.createdAt).toBe(now + 61);
    });
  });
}
