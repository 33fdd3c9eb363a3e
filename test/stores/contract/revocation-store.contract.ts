/** What every RevocationStore must do, run against each adapter (DynamoDB on dynalite, in-memory). */
import type { TokenFacts } from '../../../lib/models/revocation';
import type { RevocationStore } from '../../../lib/stores/ports';
import type { FrozenClock } from '../../../testkit/frozen-clock';

export interface RevocationWorld {
  store: RevocationStore;
  clock: FrozenClock;
}

export function revocationStoreContract(name: string, make: () => Promise<RevocationWorld>): void {
  describe(`${name} revocation store`, () => {
    let w: RevocationWorld;
    let now: number;
    const token = (over: Partial<TokenFacts> = {}): TokenFacts => ({ jti: 'j1', client_id: 'c1', sub: 's1', iat: now - 10, exp: now + 3600, ...over });
    beforeEach(async () => {
      w = await make();
      now = Math.floor(w.clock.now() / 1000);
    });

    test('a revoked jti is found; revoking it again returns the first record and writes nothing new to the feed', async () => {
      expect(await w.store.findForToken(token())).toBeUndefined();
      const first = await w.store.revokeToken({ jti: 'j1', client_id: 'c1', sub: 's1', exp: now + 3600, by: 'client:c1' });
      expect(await w.store.findForToken(token())).toMatchObject({ reason: 'revoked', record: { kind: 'token', jti: 'j1' } });
      const page = await w.store.readFeed();
      w.clock.advance(5_000);
      let calls = 0;
      expect(await w.store.revokeToken({ jti: 'j1', exp: now + 3600, by: 'someone-else' }, { beforeWrite: async () => void calls++ })).toEqual(first);
      expect(calls).toBe(0);
      expect((await w.store.readFeed(page.position)).entries).toEqual([]);
    });

    test('an already expired token is not stored', async () => {
      await w.store.revokeToken({ jti: 'old', exp: now - 3600 });
      expect(await w.store.findForToken(token({ jti: 'old', exp: now - 3600 }))).toBeUndefined();
    });

    test('client and subject not-befores kill tokens issued up to them, and only move forward', async () => {
      await w.store.revokeClient('c1', { notBefore: now, reason: 'disabled' });
      expect(await w.store.findForToken(token())).toMatchObject({ reason: 'client_disabled' });
      expect(await w.store.findForToken(token({ iat: now + 1 }))).toBeUndefined();
      const kept = await w.store.revokeClient('c1', { notBefore: now - 100, reason: 'revoked' });
      expect(kept).toMatchObject({ notBefore: now, reason: 'disabled' });
      await w.store.revokeSubject('s2', { notBefore: now });
      expect(await w.store.findForToken(token({ jti: 'x', client_id: 'other', sub: 's2' }))).toMatchObject({ reason: 'subject_revoked' });
      await expect(w.store.revokeSubject('s3', { notBefore: now + 100_000 })).rejects.toThrow(RangeError);
    });

    test('the feed gives records in write order after a position; without one, every live record', async () => {
      await w.store.revokeToken({ jti: 'a', exp: now + 60 });
      const mid = await w.store.readFeed();
      expect(mid.entries.map((e) => e.record.kind === 'token' && e.record.jti)).toEqual(['a']);
      w.clock.advance(10);
      await w.store.revokeToken({ jti: 'b', exp: now + 60 });
      w.clock.advance(10);
      await w.store.revokeClient('c9', { notBefore: now, reason: 'revoked' });
      const next = await w.store.readFeed(mid.position);
      expect(next.entries.map((e) => (e.record.kind === 'token' ? e.record.jti : e.record.kind))).toEqual(['b', 'client']);
      expect(next.position > mid.position).toBe(true);
      expect((await w.store.readFeed()).entries).toHaveLength(3);
      w.clock.advance(3_600_000);
      expect((await w.store.readFeed()).entries.map((e) => e.record.kind)).toEqual(['client']);
    });
  });
}
