/** What every SessionStore must do (DynamoDB on dynalite, in-memory): TTL is the idle deadline, touch moves it. */
import type { SessionRecord } from '../../../lib/models/session';
import { ConflictError, type SessionStore } from '../../../lib/stores/ports';
import type { FrozenClock } from '../../../testkit/frozen-clock';

export function sessionStoreContract(name: string, make: () => Promise<{ store: SessionStore; clock: FrozenClock }>): void {
  describe(`${name} session store`, () => {
    let store: SessionStore;
    let clock: FrozenClock;
    let now: number;
    const session = (over: Partial<SessionRecord> = {}): SessionRecord => ({
      sid: 'sid-1',
      sub: 'usr_alice',
      secretHash: 'a'.repeat(64),
      authTime: now,
      amr: ['pwd'],
      createdAt: now,
      absoluteExpiresAt: now + 43_200,
      expiresAt: now + 3600,
      ...over,
    });
    beforeEach(async () => {
      ({ store, clock } = await make());
      now = Math.floor(clock.now() / 1000);
    });

    test('a session is read back by its sid; a second create with the sid is refused', async () => {
      await store.create(session());
      expect(await store.get('sid-1')).toEqual(session());
      expect(await store.get('sid-2')).toBeUndefined();
      await expect(store.create(session())).rejects.toBeInstanceOf(ConflictError);
    });

    test('past its expiry a session is absent; touch moves the expiry of a live one only', async () => {
      await store.create(session());
      expect(await store.touch('sid-1', now + 7200)).toBe(true);
      clock.advance(3601_000);
      expect((await store.get('sid-1'))?.expiresAt).toBe(now + 7200);
      clock.advance(3600_000);
      expect(await store.get('sid-1')).toBeUndefined();
      expect(await store.touch('sid-1', now + 99_999)).toBe(false);
      expect(await store.get('sid-1')).toBeUndefined();
      expect(await store.touch('sid-unknown', now + 99_999)).toBe(false);
    });

    test('end removes the session (it reads as absent, touch cannot revive it); ending it again or an unknown sid is a no-op', async () => {
      await store.create(session());
      await store.create(session({ sid: 'sid-2' }));
      expect(await store.end('sid-1')).toBe(true);
      expect(await store.get('sid-1')).toBeUndefined();
      expect(await store.touch('sid-1', now + 7200)).toBe(false);
      expect(await store.get('sid-1')).toBeUndefined();
      expect(await store.end('sid-1')).toBe(false);
      expect(await store.end('sid-unknown')).toBe(false);
      expect(await store.get('sid-2')).toEqual(session({ sid: 'sid-2' }));
    });
  });
}
