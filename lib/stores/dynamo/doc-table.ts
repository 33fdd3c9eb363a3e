/**
 * The DynamoDB single-table layout every store shares:
 *   pk (S), sk (S)          primary key
 *   doc (S)                 the record as JSON (no attribute marshalling on the hot path)
 *   v (N)                   record version, for conditional (optimistic) writes
 *   expiresAt (N)           TTL attribute, epoch seconds; code treats an item past it as absent
 *   gsi1pk (S), gsi1sk (S)  the `feed` index (revocations in write order)
 * Only single-item conditional writes: no transactions (dynalite lacks them).
 */
import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type AttributeValue,
  type BatchGetItemCommandOutput,
  type KeysAndAttributes,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { Clock } from '../../core/clock';
import { ConflictError, NotFoundError } from '../ports';
import { FEED_INDEX } from './table-definition';
import { epochSeconds } from '../../core/clock';

export interface StoredDoc<T> {
  doc: T;
  v: number;
  expiresAt?: number;
}

export interface PutOptions {
  /** Write only if no item has this key. */
  ifAbsent?: boolean;
  /** Write only if the stored version is this one. */
  ifVersion?: number;
  expiresAt?: number;
  gsi1pk?: string;
  gsi1sk?: string;
}

export class DocTable {
  constructor(
    readonly client: DynamoDBClient,
    readonly tableName: string,
    readonly clock: Clock,
  ) {}

  private alive(item: Record<string, AttributeValue>): boolean {
    const exp = item.expiresAt?.N;
    return exp === undefined || Number(exp) > epochSeconds(this.clock);
  }

  private toDoc<T>(item: Record<string, AttributeValue>): StoredDoc<T> {
    return {
      doc: JSON.parse(item.doc!.S!) as T,
      v: Number(item.v?.N ?? 0),
      expiresAt: item.expiresAt?.N ? Number(item.expiresAt.N) : undefined,
    };
  }

  async get<T>(pk: string, sk: string, consistent = true): Promise<StoredDoc<T> | undefined> {
    const out = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: { pk: { S: pk }, sk: { S: sk } }, ConsistentRead: consistent }),
    );
    if (!out.Item || !this.alive(out.Item)) return undefined;
    return this.toDoc<T>(out.Item);
  }

  async put<T>(pk: string, sk: string, doc: T, v: number, opts: PutOptions = {}): Promise<void> {
    const item: Record<string, AttributeValue> = {
      pk: { S: pk },
      sk: { S: sk },
      doc: { S: JSON.stringify(doc) },
      v: { N: String(v) },
    };
    if (opts.expiresAt !== undefined) item.expiresAt = { N: String(opts.expiresAt) };
    if (opts.gsi1pk) item.gsi1pk = { S: opts.gsi1pk };
    if (opts.gsi1sk) item.gsi1sk = { S: opts.gsi1sk };
    let ConditionExpression: string | undefined;
    const values: Record<string, AttributeValue> = {};
    if (opts.ifAbsent) {
      // An expired item counts as absent (dynalite never deletes, DynamoDB deletes lazily).
      ConditionExpression = 'attribute_not_exists(pk) OR expiresAt <= :now';
      values[':now'] = { N: String(epochSeconds(this.clock)) };
    } else if (opts.ifVersion !== undefined) {
      ConditionExpression = 'v = :v';
      values[':v'] = { N: String(opts.ifVersion) };
    }
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression,
          ExpressionAttributeValues: ConditionExpression ? values : undefined,
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException || (err as { name?: string }).name === 'ConditionalCheckFailedException') {
        throw new ConflictError();
      }
      throw err;
    }
  }

  /** Read-modify-write with an optimistic version check, retried on conflict. */
  async update<T>(pk: string, sk: string, what: string, change: (doc: T) => T): Promise<T> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.get<T>(pk, sk);
      if (!current) throw new NotFoundError(what);
      const next = change(current.doc);
      try {
        await this.put(pk, sk, next, current.v + 1, { ifVersion: current.v, expiresAt: current.expiresAt });
        return next;
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    }
    throw new ConflictError(`${what} is being changed concurrently`);
  }

  /** All live items of one partition (paginated). */
  async queryPartition<T>(pk: string, consistent = true): Promise<Array<StoredDoc<T> & { sk: string }>> {
    return this.queryAll<T>({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: pk } },
      ConsistentRead: consistent,
    });
  }

  /** Items of the feed index after a position, in write order. */
  async queryFeed<T>(feed: string, afterSk: string): Promise<Array<StoredDoc<T> & { sk: string; feedSk: string }>> {
    const items = await this.queryAll<T>({
      TableName: this.tableName,
      IndexName: FEED_INDEX,
      KeyConditionExpression: 'gsi1pk = :p AND gsi1sk > :after',
      ExpressionAttributeValues: { ':p': { S: feed }, ':after': { S: afterSk } },
    });
    return items as Array<StoredDoc<T> & { sk: string; feedSk: string }>;
  }

  /**
   * The feed after a position, in write order, paginated: the live items, and the highest position read
   * with expired items included (so a reader moves past records that are dead but not yet deleted).
   */
  async readFeed<T>(
    feed: string,
    afterSk: string,
  ): Promise<{ items: Array<StoredDoc<T> & { sk: string; feedSk: string }>; lastSk?: string }> {
    const items: Array<StoredDoc<T> & { sk: string; feedSk: string }> = [];
    let lastSk: string | undefined;
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: FEED_INDEX,
          KeyConditionExpression: 'gsi1pk = :p AND gsi1sk > :after',
          ExpressionAttributeValues: { ':p': { S: feed }, ':after': { S: afterSk } },
          ExclusiveStartKey,
        }),
      );
      for (const item of out.Items ?? []) {
        const feedSk = item.gsi1sk!.S!;
        lastSk = feedSk;
        if (this.alive(item)) items.push({ ...this.toDoc<T>(item), sk: item.sk!.S!, feedSk });
      }
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return { items, lastSk };
  }

  /**
   * Up to 100 items by key in ONE BatchGetItem call (unprocessed keys, which only throttling causes, are retried).
   * Answers in the order of `keys`: the live item, or undefined.
   */
  async batchGet<T>(keys: Array<{ pk: string; sk: string }>, consistent = true): Promise<Array<StoredDoc<T> | undefined>> {
    const found = new Map<string, StoredDoc<T>>();
    let request: Record<string, KeysAndAttributes> | undefined = {
      [this.tableName]: { Keys: keys.map((k) => ({ pk: { S: k.pk }, sk: { S: k.sk } })), ConsistentRead: consistent },
    };
    for (let attempt = 0; request; attempt++) {
      if (attempt === 5) throw new Error('BatchGetItem left keys unprocessed');
      if (attempt > 0) await new Promise((r) => setTimeout(r, 10 * 2 ** attempt));
      const out: BatchGetItemCommandOutput = await this.client.send(new BatchGetItemCommand({ RequestItems: request }));
      for (const item of out.Responses?.[this.tableName] ?? []) {
        if (this.alive(item)) found.set(JSON.stringify([item.pk!.S!, item.sk!.S!]), this.toDoc<T>(item));
      }
      request = out.UnprocessedKeys && Object.keys(out.UnprocessedKeys).length > 0 ? out.UnprocessedKeys : undefined;
    }
    return keys.map((k) => found.get(JSON.stringify([k.pk, k.sk])));
  }

  private async queryAll<T>(input: QueryCommandInput): Promise<Array<StoredDoc<T> & { sk: string; feedSk?: string }>> {
    const result: Array<StoredDoc<T> & { sk: string; feedSk?: string }> = [];
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.client.send(new QueryCommand({ ...input, ExclusiveStartKey }));
      for (const item of out.Items ?? []) {
        if (!this.alive(item)) continue;
        result.push({ ...this.toDoc<T>(item), sk: item.sk!.S!, feedSk: item.gsi1sk?.S });
      }
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return result;
  }
}
