/**
 * Brute-force lockout records in the shared table (policy: lib/clients/lockout-policy.ts).
 *   pk = lockout#<client id>  (ids over 200 UTF-8 bytes: lockout-h#<sha256 hex>, so any presented id fits a key)
 *   sk = lockout
 *   failures (N), lastFailureAt (N, epoch ms), expiresAt (N, TTL epoch seconds)
 * No `doc` attribute: the count is kept as a number so a failure is ONE atomic UpdateItem (ADD),
 * exact when several containers count at once. A record past its TTL is absent (as DocTable treats
 * it; dynalite never deletes): the first failure after it re-creates the record with a conditional put.
 * Every failure pushes the TTL forward, so a record lives `forgetAfterSeconds` past its last failure —
 * also for ids that do not exist, which is what bounds the table under a spray of guessed ids.
 * Actions used: GetItem, UpdateItem, PutItem (no DeleteItem).
 */
import {
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { type DocTable } from './doc-table';
import { ConflictError, type LockoutStore } from '../ports';
import type { LockoutState } from '../../models/lockout';
import { keyspace } from '../keyspace';

const SK = 'lockout';

/** The partition key of a client id's lockout record. */
export const lockoutKey = keyspace.lockout;

const isConditionFailure = (err: unknown) => (err as { name?: string })?.name === 'ConditionalCheckFailedException';

function toState(item: Record<string, AttributeValue> | undefined): LockoutState | undefined {
  if (!item?.failures?.N) return undefined;
  return { failures: Number(item.failures.N), lastFailureAt: Number(item.lastFailureAt?.N ?? 0), expiresAt: Number(item.expiresAt?.N ?? 0) };
}

export class DynamoLockoutStore implements LockoutStore {
  constructor(private readonly table: DocTable) {}

  private key(clientId: string): Record<string, AttributeValue> {
    return { pk: { S: lockoutKey(clientId) }, sk: { S: SK } };
  }

  /** One strongly consistent GetItem; undefined when absent or past its TTL. */
  async get(clientId: string, nowMs: number): Promise<LockoutState | undefined> {
    const out = await this.table.client.send(new GetItemCommand({ TableName: this.table.tableName, Key: this.key(clientId), ConsistentRead: true }));
    const state = toState(out.Item);
    return state && state.expiresAt > Math.floor(nowMs / 1000) ? state : undefined;
  }

  /**
   * Counts one failure and returns the state after it. One UpdateItem when a live record exists;
   * a conditional PutItem when it does not (`knownAbsent` tries that first).
   */
  async recordFailure(clientId: string, opts: { nowMs: number; ttlSeconds: number; knownAbsent?: boolean }): Promise<LockoutState> {
    const nowS = Math.floor(opts.nowMs / 1000);
    const fresh: LockoutState = { failures: 1, lastFailureAt: opts.nowMs, expiresAt: nowS + opts.ttlSeconds };
    let create = opts.knownAbsent ?? false;
    for (let attempt = 0; attempt < 4; attempt++) {
      try {
        if (create) {
          await this.table.client.send(
            new PutItemCommand({
              TableName: this.table.tableName,
              Item: {
                ...this.key(clientId),
                failures: { N: '1' },
                lastFailureAt: { N: String(fresh.lastFailureAt) },
                expiresAt: { N: String(fresh.expiresAt) },
              },
              ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
              ExpressionAttributeValues: { ':now': { N: String(nowS) } },
            }),
          );
          return fresh;
        }
        const out = await this.table.client.send(
          new UpdateItemCommand({
            TableName: this.table.tableName,
            Key: this.key(clientId),
            UpdateExpression: 'ADD failures :one SET lastFailureAt = :at, expiresAt = :exp',
            ConditionExpression: 'expiresAt > :now',
            ExpressionAttributeValues: {
              ':one': { N: '1' },
              ':at': { N: String(opts.nowMs) },
              ':exp': { N: String(fresh.expiresAt) },
              ':now': { N: String(nowS) },
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return toState(out.Attributes) ?? fresh;
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        // Absent or expired (update refused), or created meanwhile by another container (put refused).
        create = !create;
      }
    }
    throw new ConflictError('the lockout record is being changed concurrently');
  }

  /**
   * Forgets the count (a successful authentication): the record is overwritten as already expired, which
   * reads as absent and which TTL deletes (a PutItem, so the functions need no DeleteItem permission). Idempotent.
   */
  async clear(clientId: string, nowMs: number): Promise<void> {
    await this.table.client.send(
      new PutItemCommand({
        TableName: this.table.tableName,
        Item: { ...this.key(clientId), failures: { N: '0' }, lastFailureAt: { N: '0' }, expiresAt: { N: String(Math.floor(nowMs / 1000)) } },
      }),
    );
  }
}
