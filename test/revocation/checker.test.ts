import { epochSeconds } from '../../lib/core/clock';
import { loadConfig } from '../../lib/config/load-config';
import type { Config } from '../../lib/config/types';
import { createRevocationChecker } from '../../lib/composition/revocation';
import { notBeforeNow } from '../../lib/revocation/not-before';
import { SnapshotRevocationChecker } from '../../lib/revocation/snapshot-checker';
import { StrictRevocationChecker } from '../../lib/revocation/strict-checker';
import { DocTable } from '../../lib/stores/dynamo/doc-table';
import { DynamoRevocationStore, REVOCATION_FEED, revocationKeys } from '../../lib/stores/dynamo/revocation-store';
import { startDynamoFaultProxy, type DynamoFaultProxy } from '../../testkit/dynamo-fault-proxy';
import { startDynalite, type TestDynamo } from '../../testkit/dynalite';
import { createDynamoClient } from '../../lib/stores/dynamo/client';
import { FrozenClock } from '../../testkit/frozen-clock';
import { positionBound, positionMs } from '../../lib/stores/feed-position';
import { DEFAULTS } from '../../lib/config/defaults';
import type { RevocationChecker } from '../../lib/revocation/checker';
import type { RevocationReason, TokenFacts, LateRevocationRecord, RevocationRecord } from '../../lib/models/revocation';

/**
 * An HTTP proxy in front of dynalite: counts every DynamoDB request on the wire (by X-Amz-Target),
 * and can be switched down (every connection is cut) to simulate an unreachable store.
 */

const clock = new FrozenClock(Date.UTC(2026, 5, 1, 12));
let ddb: TestDynamo;
let proxy: DynamoFaultProxy;
let writer: DynamoRevocationStore;
const clients: Array<{ destroy(): void }> = [];

function configFor(mode: 'snapshot' | 'strict'): Config {
  return {
    ...loadConfig({ PORTCULLIS_KEY_DIR: '/nonexistent', PORTCULLIS_REVOCATION_MODE: mode }),
    tableName: ddb.tableName,
    dynamoEndpoint: proxy.endpoint,
    maxTokenLifetimeSeconds: 3600,
    clockSkewSeconds: 30,
    storeTimeoutMs: 1000,
  };
}

/** The authorizer's view of the table: through the counting proxy. */
function proxiedTable(): DocTable {
  const client = createDynamoClient({ region: 'us-east-1', endpoint: proxy.endpoint, timeoutMs: 1000 });
  clients.push(client);
  return new DocTable(client, ddb.tableName, clock);
}

function snapshotChecker(): SnapshotRevocationChecker {
  const checker = createRevocationChecker(configFor('snapshot'), { table: proxiedTable(), clock });
  expect(checker).toBeInstanceOf(SnapshotRevocationChecker);
  return checker as SnapshotRevocationChecker;
}

beforeAll(async () => {
  ddb = await startDynalite({ clock });
  proxy = await startDynamoFaultProxy(ddb.endpoint);
  // revocations are written straight to dynalite (not counted, never down): the lead's endpoints / CLI
  writer = new DynamoRevocationStore(ddb.table, { maxTokenLifetimeSeconds: 3600, clockSkewSeconds: 30 }, clock);
});
afterEach(() => proxy.heal());
afterAll(async () => {
  for (const c of clients) c.destroy();
  await proxy.close();
  await ddb.close();
});

let n = 0;
function token(over: Partial<TokenFacts> = {}, ageSeconds = 10): TokenFacts {
  n++;
  const iat = epochSeconds(clock) - ageSeconds;
  return { jti: `jti-${n}`, client_id: `client-${n}`, sub: `sub-${n}`, iat, exp: iat + 600, ...over };
}

const isPromise = (x: unknown): x is Promise<unknown> => typeof (x as Promise<unknown>)?.then === 'function';

/** Lets the lazy refresh run: one decision after the refresh interval starts it, then wait for it. */
async function afterOneRefresh(checker: SnapshotRevocationChecker, t: TokenFacts): Promise<void> {
  clock.advance(1_000);
  await checker.check(t);
  await checker.idle();
}

describe('snapshot mode (default)', () => {
  test('cold start awaits the first load once; after that decisions are synchronous', async () => {
    const checker = snapshotChecker();
    const t = token();
    const first = checker.check(t);
    expect(isPromise(first)).toBe(true);
    expect(await first).toBeNull();
    const second = checker.check(t);
    expect(isPromise(second)).toBe(false);
    expect(second).toBeNull();
  });

  test('a revoked jti is denied after one refresh interval, answered synchronously from memory', async () => {
    const checker = snapshotChecker();
    const t = token();
    await checker.ready();
    expect(checker.check(t)).toBeNull();

    await writer.revokeToken({ ...t, by: 'test' });
    await afterOneRefresh(checker, t);
    expect(checker.check(t)).toBe('revoked');
    expect(checker.check(token())).toBeNull();
  });

  test('client and subject not-before: earlier tokens die, tokens issued after the revoke second work', async () => {
    const checker = snapshotChecker();
    await checker.ready();
    const oldOfClient = token({ client_id: 'acme' }, 100);
    const oldOfSubject = token({ sub: 'alice', client_id: 'x' }, 100);
    const disabled = token({ client_id: 'gone' }, 100);
    await writer.revokeClient('acme', { notBefore: notBeforeNow(clock), reason: 'revoked' });
    await writer.revokeSubject('alice', { notBefore: notBeforeNow(clock) });
    await writer.revokeClient('gone', { notBefore: notBeforeNow(clock), reason: 'disabled' });
    const sameSecond = token({ client_id: 'acme' }, 0);
    await afterOneRefresh(checker, oldOfClient);

    expect(checker.check(oldOfClient)).toBe('client_revoked');
    expect(checker.check(sameSecond)).toBe('client_revoked');
    expect(checker.check(oldOfSubject)).toBe('subject_revoked');
    expect(checker.check(disabled)).toBe('client_disabled');
    // issued after the revoke: fine
    expect(checker.check(token({ client_id: 'acme' }, 0))).toBeNull();
    expect(checker.check(token({ sub: 'alice' }, 0))).toBeNull();
  });

  test('grant and session revocations: every token of the grant dies (any iat), tokens of the session up to its not-before; no DynamoDB call per decision', async () => {
    const checker = snapshotChecker();
    await checker.ready();
    const ofGrant = token({ gid: 'fam-1', sid: 'sess-x' }, 100);
    const newestOfGrant = token({ gid: 'fam-1' }, -5); // minted after the revoke's second (a concurrent rotation)
    const otherGrant = token({ gid: 'fam-2' }, 100);
    const ofSession = token({ sid: 'sess-1', gid: 'fam-3' }, 100);
    const sessionSameSecond = token({ sid: 'sess-1' }, 0);
    const noClaims = token({}, 100);
    await writer.revokeGrant('fam-1', { sub: ofGrant.sub, by: 'refresh-reuse' });
    await writer.revokeSession('sess-1', { notBefore: notBeforeNow(clock), by: 'logout' });
    await afterOneRefresh(checker, noClaims);
    proxy.calls.length = 0;
    expect(checker.check(ofGrant)).toBe('grant_revoked');
    expect(checker.check(newestOfGrant)).toBe('grant_revoked');
    expect(checker.check(otherGrant)).toBeNull();
    expect(checker.check(ofSession)).toBe('session_ended');
    expect(checker.check(sessionSameSecond)).toBe('session_ended');
    expect(checker.check(token({ sid: 'sess-1' }, -1))).toBeNull(); // a later sign-in's token with the same sid cannot exist, but iat decides
    expect(checker.check(noClaims)).toBeNull();
    expect(proxy.calls).toEqual([]);
    expect(checker.stats()).toMatchObject({ grants: 1, sessions: 1 });
  });

  test('steady-state decisions make no DynamoDB call; at most one feed Query per refresh interval', async () => {
    const checker = snapshotChecker();
    await checker.ready();
    proxy.calls.length = 0;
    const tokens = Array.from({ length: 1000 }, () => token());
    await writer.revokeToken(tokens[500]);

    const answers: Array<RevocationReason | null> = [];
    for (const t of tokens) {
      const a = checker.check(t);
      expect(isPromise(a)).toBe(false);
      answers.push(a as RevocationReason | null);
    }
    expect(proxy.calls).toEqual([]);
    expect(answers.every((a) => a === null)).toBe(true);

    clock.advance(1_000);
    for (const t of tokens) checker.check(t);
    await checker.idle();
    expect(proxy.calls).toEqual(['Query']);
    for (const t of tokens) checker.check(t);
    expect(proxy.calls).toEqual(['Query']);
    expect(checker.check(tokens[500])).toBe('revoked');
  });

  test('a failing refresh denies after maxStalenessMs, not allows, and recovers when the store is back', async () => {
    const checker = snapshotChecker();
    await checker.ready();
    const t = token();
    const successAt = clock.now();
    proxy.fail('down');

    // within the staleness bound: answered from the last snapshot, while the refresh fails in the background
    clock.advance(1_000);
    expect(checker.check(t)).toBeNull();
    await checker.idle();
    expect(checker.stats().failures).toBe(1);
    await writer.revokeToken(t); // a revocation the container cannot see

    const bound = configFor('snapshot').revocation.maxStalenessMs;
    clock.set(successAt + bound);
    expect(checker.check(t)).toBeNull();
    await checker.idle();
    clock.set(successAt + bound + 1);
    expect(await checker.check(t)).toBe('revocation_state_stale');
    expect(await checker.check(token())).toBe('revocation_state_stale');
    // while failing, one attempt per refresh interval: the decisions in between are denied without a call
    const failuresBefore = checker.stats().failures;
    expect(checker.check(token())).toBe('revocation_state_stale');
    expect(checker.stats().failures).toBe(failuresBefore);

    proxy.heal();
    clock.advance(1_000);
    expect(await checker.check(t)).toBe('revoked');
    expect(checker.check(token())).toBeNull();
  });

  test('cold start against an unreachable store denies', async () => {
    proxy.fail('down');
    const checker = snapshotChecker();
    expect(await checker.check(token())).toBe('revocation_state_stale');
    expect(await checker.ready()).toBe(false);
  });

  test('a container idle past the staleness bound refreshes before answering instead of denying', async () => {
    const checker = snapshotChecker();
    await checker.ready();
    const t = token();
    await writer.revokeToken(t);
    clock.advance(60_000);
    const answer = checker.check(t);
    expect(isPromise(answer)).toBe(true);
    expect(await answer).toBe('revoked');
  });

  test('expired revocations leave the snapshot (bounded memory) and the store', async () => {
    const checker = snapshotChecker();
    await checker.ready();
    const t = token({}, 0);
    const short = { ...t, exp: epochSeconds(clock) + 60 };
    await writer.revokeToken(short);
    await writer.revokeClient(t.client_id, { notBefore: notBeforeNow(clock), reason: 'revoked' });
    await afterOneRefresh(checker, t);
    const before = checker.stats();
    expect(checker.check(short)).toBe('revoked');

    clock.advance((60 + 30 + 1) * 1000); // past the jti record's exp + skew
    await checker.check(token());
    await checker.idle();
    expect(checker.stats().tokens).toBe(before.tokens - 1);
    expect(checker.stats().clients).toBe(before.clients);
    expect(await writer.findForToken({ ...short, client_id: 'unrelated' })).toBeUndefined();

    clock.advance(3600 * 1000); // past notBefore + max lifetime + skew
    await checker.check(token());
    await checker.idle();
    expect(checker.stats()).toMatchObject({ tokens: 0, clients: 0, subjects: 0 });
  });

  test('a record that reaches the feed index late (GSI lag) is still picked up thanks to the overlap window', async () => {
    const run = async (overlapMs: number): Promise<RevocationReason | null> => {
      const checker = new SnapshotRevocationChecker(new DynamoRevocationStore(proxiedTable(), configFor('snapshot'), clock), {
        refreshMs: 1_000,
        maxStalenessMs: 5_000,
        overlapMs,
        fullReloadMs: Number.POSITIVE_INFINITY, // incremental reads only
        abandonAfterMs: 3_000,
        clock,
      });
      await checker.ready();
      const late = token();
      const start = await writer.readFeed();
      await writer.revokeToken(late);
      const [entry] = (await writer.readFeed(start.position)).entries;
      // hide it from the index (as if not propagated yet)
      await ddb.table.put(revocationKeys.token(late.jti), 'revocation', entry.record, 1, { expiresAt: entry.expiresAt });
      clock.advance(500);
      await writer.revokeToken(token()); // a later write the reader sees first
      await afterOneRefresh(checker, late);
      expect(checker.check(late)).toBeNull();
      // the index catches up with the older position
      await ddb.table.put(revocationKeys.token(late.jti), 'revocation', entry.record, 1, {
        expiresAt: entry.expiresAt,
        gsi1pk: REVOCATION_FEED,
        gsi1sk: entry.position,
      });
      await afterOneRefresh(checker, late);
      return checker.check(late) as RevocationReason | null;
    };
    expect(await run(2_000)).toBe('revoked');
    // control: without the overlap the late record is missed
    expect(await run(0)).toBeNull();
  });

  /** Takes a written record out of the feed index (as if not propagated yet); `show` puts it back at its position. */
  async function hideFromIndex(t: TokenFacts) {
    const key = revocationKeys.token(t.jti);
    const item = await ddb.table.get<RevocationRecord>(key, 'revocation');
    const [entry] = (await writer.readFeed(positionBound(0))).entries.filter((e) => e.record.kind === 'token' && e.record.jti === t.jti);
    await ddb.table.put(key, 'revocation', item!.doc, item!.v, { expiresAt: entry.expiresAt });
    return {
      position: entry.position,
      show: () => ddb.table.put(key, 'revocation', item!.doc, item!.v, { expiresAt: entry.expiresAt, gsi1pk: REVOCATION_FEED, gsi1sk: entry.position }),
    };
  }

  test('a record that reaches the index far later than the overlap, while other revocations keep moving the position, is still applied, and reported late', async () => {
    const late: LateRevocationRecord[] = [];
    const checker = createRevocationChecker(configFor('snapshot'), { table: proxiedTable(), clock, onLateRecord: (r) => late.push(r) }) as SnapshotRevocationChecker;
    await checker.ready();
    const lost = token();
    await writer.revokeToken(lost);
    const hidden = await hideFromIndex(lost);
    // 30 s of index lag for that one record; meanwhile a client keeps revoking its own tokens, once a second
    for (let i = 0; i < 30; i++) {
      await writer.revokeToken(token());
      await afterOneRefresh(checker, lost);
    }
    expect(checker.check(lost)).toBeNull();
    expect(positionMs(checker.stats().position!) - positionMs(hidden.position)).toBeGreaterThan(DEFAULTS.revocationFeedOverlapMs);

    await hidden.show(); // the index catches up, at the record's old position
    const shownAt = clock.now();
    while (checker.check(lost) === null && clock.now() - shownAt <= DEFAULTS.revocationFullReloadMs + 2_000) {
      await writer.revokeToken(token());
      await afterOneRefresh(checker, lost);
    }
    expect(checker.check(lost)).toBe('revoked');
    expect(clock.now() - shownAt).toBeLessThanOrEqual(DEFAULTS.revocationFullReloadMs + 1_000);
    expect(late).toEqual([expect.objectContaining({ kind: 'token', id: lost.jti, position: hidden.position })]);
    expect(late[0].lagMs).toBeGreaterThan(30_000);
  });

  test('a writer whose clock runs ahead does not make readers skip a record that reaches the index a little late', async () => {
    const late: LateRevocationRecord[] = [];
    const checker = createRevocationChecker(configFor('snapshot'), { table: proxiedTable(), clock, onLateRecord: (r) => late.push(r) }) as SnapshotRevocationChecker;
    await checker.ready();
    const slow = token();
    await writer.revokeToken(slow);
    const hidden = await hideFromIndex(slow);
    // an operator's laptop 10 s ahead revokes something: its position is 10 s ahead of everyone's clock
    const ahead = new DynamoRevocationStore(ddb.table, { maxTokenLifetimeSeconds: 3600, clockSkewSeconds: 30 }, new FrozenClock(clock.now() + 10_000));
    await ahead.revokeToken(token());
    await afterOneRefresh(checker, slow);
    expect(checker.check(slow)).toBeNull();
    await hidden.show(); // one second late: well inside the overlap
    await afterOneRefresh(checker, slow);
    expect(checker.check(slow)).toBe('revoked');
    expect(late).toEqual([]);
  });
});

describe('strict mode', () => {
  let checker: RevocationChecker;
  beforeAll(() => {
    checker = createRevocationChecker(configFor('strict'), { table: proxiedTable(), clock });
  });

  test('exactly one DynamoDB call per decision, and no staleness', async () => {
    expect(checker).toBeInstanceOf(StrictRevocationChecker);
    const t = token({ client_id: 'strict-c', sub: 'strict-s' }, 100);
    proxy.calls.length = 0;
    for (let i = 0; i < 50; i++) expect(await checker.check(token())).toBeNull();
    expect(proxy.calls).toEqual(Array(50).fill('BatchGetItem'));

    await writer.revokeToken(t);
    expect(await checker.check(t)).toBe('revoked');
    const other = token({ client_id: 'strict-c' }, 100);
    await writer.revokeClient('strict-c', { notBefore: notBeforeNow(clock), reason: 'disabled' });
    expect(await checker.check(other)).toBe('client_disabled');
    const bySub = token({ sub: 'strict-s' }, 100);
    await writer.revokeSubject('strict-s', { notBefore: notBeforeNow(clock) });
    expect(await checker.check(bySub)).toBe('subject_revoked');
    expect(await checker.check(token({ client_id: 'strict-c', sub: 'strict-s' }, -1))).toBeNull();
    const ofGrant = token({ gid: 'strict-g', sid: 'strict-sid' }, 100);
    await writer.revokeGrant('strict-g');
    proxy.calls.length = 0;
    expect(await checker.check(ofGrant)).toBe('grant_revoked');
    await writer.revokeSession('strict-sid2', { notBefore: notBeforeNow(clock) });
    expect(await checker.check(token({ sid: 'strict-sid2' }, 100))).toBe('session_ended');
    expect(proxy.calls).toEqual(['BatchGetItem', 'BatchGetItem']);
  });

  test('a store failure denies', async () => {
    proxy.fail('down');
    expect(await checker.check(token())).toBe('revocation_state_stale');
    proxy.heal();
    expect(await checker.check(token())).toBeNull();
  });
});
