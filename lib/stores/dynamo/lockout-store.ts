/**
 * Brute-force lockout records in the shared table (policy: lib/lockout/policy.ts).
 *   pk = lockout#<client id>  (ids over 200 UTF-8 bytes: lockout-h#<sha256 hex>, so any presented id fits a key)
 *   pk = lockout-user#<normalized username>  (the users' sign-in lockout: the same store with keyspace.userLockout)
 *   sk = lockout
 *   failures (N), lastFailureAt (N, epoch ms), expiresAt (N, TTL epoch seconds)
 * A counter item (counter-items.ts): the count is a number so a failure is ONE atomic UpdateItem (ADD),
 * exact when several containers count at once. A record past its TTL is absent (dynalite never deletes):
 * the first failure after it re-creates the record with a conditional put.
 * Every failure pushes the TTL forward, so a record lives `forgetAfterSeconds` past its last failure —
 * also for ids that do not exist, which is what bounds the table under a spray of guessed ids.
 * Actions used: GetItem, UpdateItem, PutItem (no DeleteItem).
 */
import type { LockoutState } from '../../models/lockout';
import { keyspace, sortKeys } from '../keyspace';
import type { LockoutStore } from '../ports';
import { CounterItems, type Counters } from './counter-items';
import type { DocTable } from './doc-table';

/** The partition key of a client id's lockout record. */
export const lockoutKey = keyspace.lockout;
const SK = sortKeys.lockout;

const toState = (n: Counters | undefined): LockoutState | undefined =>
  n?.failures === undefined ? undefined : { failures: n.failures, lastFailureAt: n.lastFailureAt ?? 0, expiresAt: n.expiresAt ?? 0 };

export class DynamoLockoutStore implements LockoutStore {
  private readonly counters: CounterItems;

  /** `keyOf`: the partition key of an id (client ids by default; keyspace.userLockout for usernames). */
  constructor(
    table: DocTable,
    private readonly keyOf: (id: string) => string = lockoutKey,
  ) {
    this.counters = new CounterItems(table);
  }

  /** One strongly consistent GetItem; undefined when absent or past its TTL. */
  async get(clientId: string, nowMs: number): Promise<LockoutState | undefined> {
    return toState(await this.counters.get(this.keyOf(clientId), SK, Math.floor(nowMs / 1000)));
  }

  /**
   * Counts one failure and returns the state after it. One UpdateItem when a live record exists;
   * a conditional PutItem when it does not (`knownAbsent` tries that first).
   */
  async recordFailure(clientId: string, opts: { nowMs: number; ttlSeconds: number; knownAbsent?: boolean }): Promise<LockoutState> {
    const nowSeconds = Math.floor(opts.nowMs / 1000);
    const after = await this.counters.bump(this.keyOf(clientId), SK, {
      add: { failures: 1 },
      set: { lastFailureAt: opts.nowMs, expiresAt: nowSeconds + opts.ttlSeconds },
      nowSeconds,
      knownAbsent: opts.knownAbsent,
    });
    return toState(after)!;
  }

  /**
   * Forgets the count (a successful authentication): the record is overwritten as already expired, which
   * reads as absent and which TTL deletes (a PutItem, so the functions need no DeleteItem permission). Idempotent.
   */
  async clear(clientId: string, nowMs: number): Promise<void> {
    await this.counters.put(this.keyOf(clientId), SK, { failures: 0, lastFailureAt: 0, expiresAt: Math.floor(nowMs / 1000) });
  }
}
