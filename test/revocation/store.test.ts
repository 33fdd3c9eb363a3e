import { epochSeconds } from '../../lib/core/clock';
import { DocTable } from '../../lib/stores/dynamo/doc-table';
import { DynamoRevocationStore } from '../../lib/stores/dynamo/revocation-store';
import { notBeforeForDisable, notBeforeNow } from '../../lib/revocation/not-before';
import { positionMs } from '../../lib/stores/feed-position';
import { startDynalite, type TestDynamo } from '../../testkit/dynalite';
import { createDynamoClient } from '../../lib/stores/dynamo/client';
import { FrozenClock } from '../../testkit/frozen-clock';
import type { TokenFacts } from '../../lib/models/revocation';

const clock = new FrozenClock(Date.UTC(2026, 5, 1, 12));
const opts = { clockSkewSeconds: 30, maxTokenLifetimeSeconds: 3600 };
let ddb: TestDynamo;
let store: DynamoRevocationStore;
beforeAll(async () => {
  ddb = await startDynalite({ clock });
  store = new DynamoRevocationStore(ddb.table, opts, clock);
});
afterAll(() => ddb.close());

let n = 0;
/** A token issued `ageSeconds` ago, unique jti / client / subject unless given. */
function token(over: Partial<TokenFacts> = {}, ageSeconds = 10): TokenFacts {
  n++;
  const iat = epochSeconds(clock) - ageSeconds;
  return { jti: `jti-${n}`, client_id: `client-${n}`, sub: `sub-${n}`, iat, exp: iat + 600, ...over };
}

test('a revoked jti is found with when and by; other tokens are not; revoking twice keeps the first record', async () => {
  const t = token();
  expect(await store.findForToken(t)).toBeUndefined();
  const first = await store.revokeToken({ ...t, by: 'client:' + t.client_id });
  const hit = await store.findForToken(t);
  expect(hit?.reason).toBe('revoked');
  expect(hit?.record).toEqual({ kind: 'token', jti: t.jti, client_id: t.client_id, sub: t.sub, exp: t.exp, revokedAt: epochSeconds(clock), by: 'client:' + t.client_id });
  expect(await store.findForToken({ ...t, jti: 'someone-else' })).toBeUndefined();

  clock.advance(5_000);
  const again = await store.revokeToken({ ...t, by: 'admin' });
  expect(again).toEqual(first);
  expect((await store.findForToken(t))?.record.by).toBe('client:' + t.client_id);
});

test('revoking an already-revoked jti writes nothing (one consistent read): replays cannot jam the feed head', async () => {
  const client = createDynamoClient({ region: 'us-east-1', endpoint: ddb.endpoint, timeoutMs: 2000 });
  const sent: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(context.commandName as string);
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  const counted = new DynamoRevocationStore(new DocTable(client, ddb.tableName, clock), opts, clock);
  const t = token();
  const first = await counted.revokeToken({ ...t, by: 'client:a' });
  expect(sent.filter((c) => c === 'PutItemCommand')).toHaveLength(2); // the feed head, then the record
  const head = await ddb.table.get('revocation#feed', 'head');
  sent.length = 0;
  for (let i = 0; i < 5; i++) expect(await counted.revokeToken({ ...t, by: 'client:a' })).toEqual(first);
  expect(sent).toEqual(Array(5).fill('BatchGetItemCommand'));
  expect(await ddb.table.get('revocation#feed', 'head')).toEqual(head);
  client.destroy();
});

test('beforeWrite runs only when a new record is about to be written; its refusal writes nothing', async () => {
  const t = token();
  const calls: string[] = [];
  const refuse = () => {
    calls.push('refused');
    return Promise.reject(new Error('over the limit'));
  };
  await expect(store.revokeToken(t, { beforeWrite: refuse })).rejects.toThrow('over the limit');
  expect(await store.findForToken(t)).toBeUndefined();
  await store.revokeToken(t, { beforeWrite: async () => void calls.push('admitted') });
  await store.revokeToken(t, { beforeWrite: refuse }); // a replay: not a new record
  await store.revokeToken(token({}, 5000), { beforeWrite: refuse }); // expired: nothing to store
  expect(calls).toEqual(['refused', 'admitted']);
  expect((await store.findForToken(t))?.reason).toBe('revoked');
});

test('revoking by jti alone (admin CLI: the token is not at hand) still kills the token', async () => {
  const t = token();
  await store.revokeToken({ jti: t.jti, exp: epochSeconds(clock) + opts.maxTokenLifetimeSeconds, by: 'ops' });
  expect(await store.findForToken(t)).toMatchObject({ reason: 'revoked', record: { kind: 'token', jti: t.jti, by: 'ops' } });
});

test('a jti record lives until exp + skew, then reads as absent (store and feed)', async () => {
  const t = token({}, 10);
  const before = await store.readFeed();
  await store.revokeToken(t);
  expect((await store.readFeed(before.position)).entries.map((e) => e.record)).toEqual([expect.objectContaining({ jti: t.jti })]);

  clock.set((t.exp + opts.clockSkewSeconds - 1) * 1000);
  expect((await store.findForToken(t))?.reason).toBe('revoked');
  clock.advance(1_000);
  expect(await store.findForToken(t)).toBeUndefined();
  const page = await store.readFeed(before.position);
  expect(page.entries).toEqual([]);
  // the reader still moves past the dead record
  expect(page.position > before.position).toBe(true);
});

test('revoking an already-expired token stores nothing', async () => {
  const t = token({}, 5000);
  const before = await store.readFeed();
  await store.revokeToken(t);
  expect(await store.findForToken(t)).toBeUndefined();
  expect((await store.readFeed(before.position)).entries).toEqual([]);
});

test('client not-before: tokens issued up to and including the revoke second die, later ones live', async () => {
  const clientId = 'client-nb';
  const nb = notBeforeNow(clock);
  const rec = await store.revokeClient(clientId, { notBefore: nb, reason: 'revoked', by: 'ops' });
  expect(rec).toMatchObject({ kind: 'client', client_id: clientId, notBefore: nb, reason: 'revoked', by: 'ops' });

  expect((await store.findForToken(token({ client_id: clientId }, 100)))?.reason).toBe('client_revoked');
  // same second as the revoke (minted just after it): dead too, the safe side of 1-second iat granularity
  expect((await store.findForToken(token({ client_id: clientId }, 0)))?.record).toEqual(rec);
  // issued the next second: fine
  clock.advance(1_000);
  expect(await store.findForToken(token({ client_id: clientId }, 0))).toBeUndefined();
  // another client's token: fine
  expect(await store.findForToken(token({}, 100))).toBeUndefined();
});

test('not-before only moves forward; disabling reports client_disabled', async () => {
  const clientId = 'client-fwd';
  const nb = notBeforeNow(clock);
  await store.revokeClient(clientId, { notBefore: nb, reason: 'revoked' });
  // an earlier not-before is ignored: the later record stays in force
  const kept = await store.revokeClient(clientId, { notBefore: nb - 50, reason: 'disabled' });
  expect(kept).toMatchObject({ notBefore: nb, reason: 'revoked' });
  expect((await store.findForToken(token({ client_id: clientId }, 0)))?.reason).toBe('client_revoked');

  clock.advance(10_000);
  const disabledAt = notBeforeForDisable(clock, 5_000);
  expect(disabledAt).toBe(epochSeconds(clock) + 5);
  const moved = await store.revokeClient(clientId, { notBefore: disabledAt, reason: 'disabled', by: 'ops' });
  expect(moved).toMatchObject({ notBefore: disabledAt, reason: 'disabled' });
  // a token minted by a token-endpoint container still holding the cached, active client record dies too
  expect((await store.findForToken(token({ client_id: clientId }, -3)))?.reason).toBe('client_disabled');
});

test('subject not-before kills the subject’s tokens of every client, and expires with the longest token it covers', async () => {
  const sub = 'user-42';
  const nb = notBeforeNow(clock);
  await store.revokeSubject(sub, { notBefore: nb, by: 'ops' });
  expect((await store.findForToken(token({ sub }, 30)))?.reason).toBe('subject_revoked');
  expect((await store.findForToken(token({ sub, client_id: 'other' }, 30)))?.reason).toBe('subject_revoked');
  expect(await store.findForToken(token({ sub: 'user-43' }, 30))).toBeUndefined();

  // TTL = notBefore + max lifetime + skew: the longest-lived token it covers is past exp + skew by then
  const t = token({ sub }, 0);
  clock.set((nb + opts.maxTokenLifetimeSeconds + opts.clockSkewSeconds - 1) * 1000);
  expect((await store.findForToken(t))?.reason).toBe('subject_revoked');
  clock.advance(1_000);
  expect(await store.findForToken(t)).toBeUndefined();
});

test('a jti record, when it matches, wins over client and subject records', async () => {
  const t = token();
  await store.revokeClient(t.client_id, { notBefore: notBeforeNow(clock), reason: 'revoked' });
  await store.revokeSubject(t.sub, { notBefore: notBeforeNow(clock) });
  expect((await store.findForToken(t))?.reason).toBe('client_revoked');
  await store.revokeToken(t);
  expect((await store.findForToken(t))?.reason).toBe('revoked');
});

test('a not-before far in the future is refused', async () => {
  await expect(store.revokeClient('c', { notBefore: epochSeconds(clock) + 3600, reason: 'revoked' })).rejects.toBeInstanceOf(RangeError);
});

test('the feed lists every write in write order, and reads from a position return only later writes', async () => {
  const start = await store.readFeed();
  const a = token();
  const b = token();
  await store.revokeToken(a);
  await store.revokeClient(b.client_id, { notBefore: notBeforeNow(clock), reason: 'revoked' });
  await store.revokeSubject(b.sub, { notBefore: notBeforeNow(clock) });
  const page = await store.readFeed(start.position);
  expect(page.entries.map((e) => e.record.kind)).toEqual(['token', 'client', 'subject']);
  const positions = page.entries.map((e) => e.position);
  expect([...positions].sort()).toEqual(positions);

  const mid = page.entries[0].position;
  expect((await store.readFeed(mid)).entries.map((e) => e.record.kind)).toEqual(['client', 'subject']);
  expect((await store.readFeed(page.position)).entries).toEqual([]);
  // a cold-start read (no position) includes them
  const cold = (await store.readFeed()).entries.map((e) => e.position);
  expect(cold).toEqual(expect.arrayContaining(positions));
});

test('a writer whose clock is a minute behind still writes after the latest feed position', async () => {
  const start = await store.readFeed();
  await store.revokeToken(token());
  const latest = (await store.readFeed(start.position)).position;

  const laggingClock = new FrozenClock(clock.now() - 60_000);
  const laggingStore = new DynamoRevocationStore(ddb.table, opts, laggingClock);
  const t = token();
  await laggingStore.revokeToken({ ...t, exp: epochSeconds(clock) + 600 });
  const after = await store.readFeed(latest);
  expect(after.entries.map((e) => e.record)).toEqual([expect.objectContaining({ jti: t.jti })]);
  expect(positionMs(after.entries[0].position)).toBeGreaterThan(positionMs(latest));
});

test('findForToken is one BatchGetItem call, strongly consistent', async () => {
  const client = createDynamoClient({ region: 'us-east-1', endpoint: ddb.endpoint, timeoutMs: 2000 });
  const sent: Array<{ name: string; input: unknown }> = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push({ name: context.commandName as string, input: args.input });
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  const counted = new DynamoRevocationStore(new DocTable(client, ddb.tableName, clock), opts, clock);
  const t = token();
  await store.revokeSubject(t.sub, { notBefore: notBeforeNow(clock) });
  expect((await counted.findForToken(t))?.reason).toBe('subject_revoked');
  expect(sent.map((s) => s.name)).toEqual(['BatchGetItemCommand']);
  expect(JSON.stringify(sent[0].input)).toContain('"ConsistentRead":true');
  client.destroy();
});

describe('a write that becomes visible late', () => {
  test('is written again at a fresh feed position, so warm readers that moved past its first position still see it', async () => {
    const { DocTable } = await import('../../lib/stores/dynamo/doc-table');
    const { DynamoRevocationStore } = await import('../../lib/stores/dynamo/revocation-store');
    const { FrozenClock } = await import('../../testkit/frozen-clock');
    const { startDynalite } = await import('../../testkit/dynalite');
    const clock = new FrozenClock(Date.UTC(2026, 6, 1));
    const ddb = await startDynalite({ clock, tableName: 'late-writes' });
    try {
      // The first PutItem of a revocation record takes 3 s (a timed-out first attempt, then a retry).
      const slow = new DocTable(ddb.table.client, ddb.tableName, clock);
      const put = slow.put.bind(slow);
      let slowed = false;
      slow.put = async (pk, sk, doc, v, opts) => {
        if (opts?.gsi1sk && !slowed) {
          slowed = true;
          clock.advance(3_000);
        }
        return put(pk, sk, doc, v, opts);
      };
      const store = new DynamoRevocationStore(slow, { maxTokenLifetimeSeconds: 3600, clockSkewSeconds: 30 }, clock);
      const before = await store.readFeed();
      await store.revokeToken({ jti: 'late', exp: Math.floor(clock.now() / 1000) + 600 });
      const page = await store.readFeed(before.position);
      const late = page.entries.filter((e) => e.record.kind === 'token' && e.record.jti === 'late');
      expect(late).toHaveLength(1);
      // Its position is inside the readers' look-back window of now, not 3 s behind it.
      const { positionMs } = await import('../../lib/stores/feed-position');
      const { DEFAULTS } = await import('../../lib/config/defaults');
      expect(slowed).toBe(true);
      expect(clock.now() - positionMs(late[0].position)).toBeLessThanOrEqual(DEFAULTS.revocationFeedOverlapMs / 2);
    } finally {
      await ddb.close();
    }
  });
});
