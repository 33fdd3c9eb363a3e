/** What every SignInStateReader must do: the session, the user and (asked for) the consent, as their stores hold them. */
import type { SignInStateReader, ConsentStore, SessionStore, UserStore } from '../../../lib/stores/ports';
import type { FrozenClock } from '../../../testkit/frozen-clock';

export interface SignInWorld {
  reader: SignInStateReader;
  sessions: SessionStore;
  users: UserStore;
  consents: ConsentStore;
  clock: FrozenClock;
}

export function signInStateContract(name: string, make: () => Promise<SignInWorld>): void {
  describe(`${name} sign-in state reader`, () => {
    test('reads the session, the user and the consent together; what is missing is undefined', async () => {
      const w = await make();
      const now = Math.floor(w.clock.now() / 1000);
      const user = { sub: 'usr_a', username: 'a', roles: [], status: 'active' as const, passwordHash: 'x', createdAt: now, updatedAt: now, passwordChangedAt: now };
      const session = { sid: 's1', sub: 'usr_a', secretHash: 'h', authTime: now, amr: ['pwd'], createdAt: now, absoluteExpiresAt: now + 100, expiresAt: now + 50 };
      await w.users.create(user);
      await w.sessions.create(session);
      await w.sessions.touch('s1', now + 80);
      const consent = await w.consents.grant('usr_a', 'c1', ['read:data'], now);
      expect(await w.reader.read({ sid: 's1', sub: 'usr_a', consentClientId: 'c1' })).toEqual({ session: { ...session, expiresAt: now + 80 }, user, consent });
      expect(await w.reader.read({ sid: 's1', sub: 'usr_a' })).toEqual({ session: { ...session, expiresAt: now + 80 }, user, consent: undefined });
      expect(await w.reader.read({ sid: 's2', sub: 'usr_b', consentClientId: 'c2' })).toEqual({ session: undefined, user: undefined, consent: undefined });
      w.clock.advance(81_000);
      expect((await w.reader.read({ sid: 's1', sub: 'usr_a' })).session).toBeUndefined();
    });
  });
}
