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

    test('a revoked grant kills every token carrying its gid, whatever its iat; revoking it again writes nothing new', async () => {
      const withGid = token({ jti: 'g-token', gid: 'gid-1' });
      expect(await w.store.findForToken(withGid)).toBeUndefined();
      const first = await w.store.revokeGrant('gid-1', { sub: 's1', client_id: 'c1', by: 'refresh-reuse' });
      expect(first).toMatchObject({ kind: 'grant', gid: 'gid-1', sub: 's1', client_id: 'c1', by: 'refresh-reuse', revokedAt: now });
      expect(await w.store.findForToken(withGid)).toMatchObject({ reason: 'grant_revoked', record: { kind: 'grant', gid: 'gid-1' } });
      expect(await w.store.findForToken(token({ jti: 'later', gid: 'gid-1', iat: now + 100 }))).toMatchObject({ reason: 'grant_revoked' });
      expect(await w.store.findForToken(token({ gid: 'gid-2' }))).toBeUndefined();
      expect(await w.store.findForToken(token())).toBeUndefined(); // no gid claim: not this grant's token
      const page = await w.store.readFeed();
      expect(page.entries.map((e) => e.record)).toEqual([first]);
      w.clock.advance(5_000);
      expect(await w.store.revokeGrant('gid-1', { by: 'someone-else' })).toEqual(first);
      expect((await w.store.readFeed(page.position)).entries).toEqual([]);
      // Kept until every token the grant minted has expired (max lifetime + skew), then absent.
      w.clock.advance((86_400 + 30) * 1000);
      expect(await w.store.findForToken(token({ gid: 'gid-1', iat: now + 86_000, exp: now + 90_000 }))).toBeUndefined();
    });

    test('an ended session kills the tokens carrying its sid issued up to its not-before, and only moves forward', async () => {
      const first = await w.store.revokeSession('sid-1', { notBefore: now, sub: 's1', by: 'logout' });
      expect(first).toMatchObject({ kind: 'session', sid: 'sid-1', notBefore: now, sub: 's1', by: 'logout' });
      expect(await w.store.findForToken(token({ sid: 'sid-1' }))).toMatchObject({ reason: 'session_ended', record: { kind: 'session', sid: 'sid-1' } });
      expect(await w.store.findForToken(token({ sid: 'sid-1', iat: now }))).toMatchObject({ reason: 'session_ended' });
      expect(await w.store.findForToken(token({ sid: 'sid-1', iat: now + 1 }))).toBeUndefined();
      expect(await w.store.findForToken(token({ sid: 'sid-2' }))).toBeUndefined();
      expect(await w.store.findForToken(token())).toBeUndefined();
      expect(await w.store.revokeSession('sid-1', { notBefore: now - 50 })).toMatchObject({ notBefore: now, by: 'logout' });
      expect(await w.store.revokeSession('sid-1', { notBefore: now + 2 })).toMatchObject({ notBefore: now + 2 });
      expect(await w.store.findForToken(token({ sid: 'sid-1', iat: now + 1 }))).toMatchObject({ reason: 'session_ended' });
      await expect(w.store.revokeSession('sid-3', { notBefore: now + 100_000 })).rejects.toThrow(RangeError);
      // One record per session: the feed holds its latest not-before.
      expect((await w.store.readFeed()).entries.map((e) => e.record)).toEqual([expect.objectContaining({ kind: 'session', sid: 'sid-1', notBefore: now + 2 })]);
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
