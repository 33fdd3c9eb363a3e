/**
 * Refresh-token families in the shared table: refresh#<sub> / family#<familyKey>. The fields a refresh changes are
 * attributes of their own, so that ONE conditional UpdateItem rotates the family; the rest is the JSON `doc`.
 *   doc (S)                 familyKey, gid, sub, clientId, sid, authTime, scopes, resource, createdAt, rotation,
 *                           absoluteExpiresAt, idleLifetimeSeconds (never change)
 *   cur, prev (S)           SHA-256 of the current and the previous token (never a token)
 *   rotatedAt (N)           when cur became current by rotation: prev's grace window starts there
 *   gen, lastUsedAt (N)     generation, last refresh
 *   retired (S)             JSON list of older superseded hashes (bounded)
 *   lastScopes (S)          JSON list: the scope of the last access token
 *   revokedAt (N), revokedReason, revokedBy (S)
 *   expiresAt (N)           TTL: min(last use + idle, absolute); past it the family is absent
 * A refresh reads the family, the user and the grant and session revocation records in ONE BatchGetItem.
 */
import { BatchGetItemCommand, GetItemCommand, PutItemCommand, QueryCommand, type AttributeValue, type BatchGetItemCommandOutput, type KeysAndAttributes } from '@aws-sdk/client-dynamodb';
import { epochSeconds } from '../../core/clock';
import type { RefreshFamily, RefreshState } from '../../models/refresh-family';
import type { GrantRevocation, SessionRevocation } from '../../models/revocation';
import type { UserRecord } from '../../models/user';
import { keyspace, sortKeys } from '../keyspace';
import { ConflictError, type RefreshFamilyStore, type RotateRequest } from '../ports';
import type { DocTable } from './doc-table';
import { conditionalUpdate } from './item-ops';

type Item = Record<string, AttributeValue>;
const n = (v: number): AttributeValue => ({ N: String(v) });
const s = (v: string): AttributeValue => ({ S: v });
const isConditionFailure = (err: unknown) => (err as { name?: string })?.name === 'ConditionalCheckFailedException';
const familyKey = (sub: string, key: string): Item => ({ pk: s(keyspace.refreshFamilies(sub)), sk: s(sortKeys.refreshFamily(key)) });

type StaticPart = Omit<RefreshFamily, 'currentHash' | 'previousHash' | 'rotatedAt' | 'generation' | 'lastUsedAt' | 'retiredHashes' | 'lastScopes' | 'revokedAt' | 'revokedReason' | 'revokedBy' | 'expiresAt'>;

function toItem(f: RefreshFamily): Item {
  const doc: StaticPart = {
    familyKey: f.familyKey,
    gid: f.gid,
    sub: f.sub,
    clientId: f.clientId,
    sid: f.sid,
    authTime: f.authTime,
    scopes: f.scopes,
    ...(f.resource !== undefined ? { resource: f.resource } : {}),
    createdAt: f.createdAt,
    rotation: f.rotation,
    absoluteExpiresAt: f.absoluteExpiresAt,
    idleLifetimeSeconds: f.idleLifetimeSeconds,
  };
  const item: Item = {
    ...familyKey(f.sub, f.familyKey),
    doc: s(JSON.stringify(doc)),
    cur: s(f.currentHash),
    rotatedAt: n(f.rotatedAt),
    gen: n(f.generation),
    lastUsedAt: n(f.lastUsedAt),
    retired: s(JSON.stringify(f.retiredHashes)),
    lastScopes: s(JSON.stringify(f.lastScopes)),
    expiresAt: n(f.expiresAt),
  };
  if (f.previousHash) item.prev = s(f.previousHash);
  return item;
}

function fromItem(item: Item): RefreshFamily {
  const doc = JSON.parse(item.doc!.S!) as StaticPart;
  return {
    ...doc,
    currentHash: item.cur!.S!,
    ...(item.prev?.S ? { previousHash: item.prev.S } : {}),
    rotatedAt: Number(item.rotatedAt!.N),
    generation: Number(item.gen!.N),
    lastUsedAt: Number(item.lastUsedAt!.N),
    retiredHashes: JSON.parse(item.retired?.S ?? '[]') as string[],
    lastScopes: JSON.parse(item.lastScopes?.S ?? '[]') as string[],
    expiresAt: Number(item.expiresAt!.N),
    ...(item.revokedAt?.N ? { revokedAt: Number(item.revokedAt.N) } : {}),
    ...(item.revokedReason?.S ? { revokedReason: item.revokedReason.S } : {}),
    ...(item.revokedBy?.S ? { revokedBy: item.revokedBy.S } : {}),
  };
}

export class DynamoRefreshFamilyStore implements RefreshFamilyStore {
  constructor(private readonly table: DocTable) {}

  private alive(item: Item | undefined): item is Item {
    return item !== undefined && (item.expiresAt?.N === undefined || Number(item.expiresAt.N) > epochSeconds(this.table.clock));
  }

  async create(family: RefreshFamily): Promise<void> {
    try {
      await this.table.client.send(
        new PutItemCommand({
          TableName: this.table.tableName,
          Item: toItem(family),
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
          ExpressionAttributeValues: { ':now': n(epochSeconds(this.table.clock)) },
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) throw new ConflictError('the refresh family exists');
      throw err;
    }
  }

  async read(keys: { sub: string; familyKey: string; gid: string; sid: string }): Promise<RefreshState> {
    const wanted: Item[] = [
      familyKey(keys.sub, keys.familyKey),
      { pk: s(keyspace.user(keys.sub)), sk: s(sortKeys.user) },
      { pk: s(keyspace.revokedGrant(keys.gid)), sk: s(sortKeys.revocation) },
      { pk: s(keyspace.revokedSession(keys.sid)), sk: s(sortKeys.revocation) },
    ];
    const found = new Map<string, Item>();
    let request: Record<string, KeysAndAttributes> | undefined = { [this.table.tableName]: { Keys: wanted, ConsistentRead: true } };
    for (let attempt = 0; request; attempt++) {
      if (attempt === 5) throw new Error('BatchGetItem left keys unprocessed');
      if (attempt > 0) await new Promise((r) => setTimeout(r, 10 * 2 ** attempt));
      const out: BatchGetItemCommandOutput = await this.table.client.send(new BatchGetItemCommand({ RequestItems: request }));
      for (const item of out.Responses?.[this.table.tableName] ?? []) if (this.alive(item)) found.set(item.pk!.S!, item);
      const left: KeysAndAttributes | undefined = out.UnprocessedKeys?.[this.table.tableName];
      request = left?.Keys?.length ? { [this.table.tableName]: { Keys: left.Keys, ConsistentRead: true } } : undefined;
    }
    const doc = <T>(pk: string): T | undefined => {
      const item = found.get(pk);
      return item?.doc?.S ? (JSON.parse(item.doc.S) as T) : undefined;
    };
    const family = found.get(keyspace.refreshFamilies(keys.sub));
    return {
      family: family && family.sk?.S === sortKeys.refreshFamily(keys.familyKey) ? fromItem(family) : undefined,
      user: doc<UserRecord>(keyspace.user(keys.sub)),
      grantRevocation: doc<GrantRevocation>(keyspace.revokedGrant(keys.gid)),
      sessionRevocation: doc<SessionRevocation>(keyspace.revokedSession(keys.sid)),
    };
  }

  async rotate(sub: string, key: string, r: RotateRequest): Promise<boolean> {
    const values: Item = {
      ':h': s(r.presentedHash),
      ':now': n(r.nowSeconds),
      ':one': n(1),
      ':ttl': n(r.expiresAt),
      ':scopes': s(JSON.stringify(r.scopes)),
    };
    let condition = 'attribute_exists(pk) AND attribute_not_exists(revokedAt) AND expiresAt > :now';
    let update = 'SET gen = gen + :one, lastUsedAt = :now, expiresAt = :ttl, lastScopes = :scopes';
    if (r.from === 'current') {
      condition += ' AND cur = :h';
      update += ', prev = :h, cur = :new, rotatedAt = :now, retired = :retired';
      values[':new'] = s(r.newHash);
      values[':retired'] = s(JSON.stringify(r.retiredHashes));
    } else if (r.from === 'previous') {
      condition += ' AND prev = :h AND rotatedAt >= :graceStart';
      update += ', cur = :new';
      values[':new'] = s(r.newHash);
      values[':graceStart'] = n(r.graceStartsAfter);
    } else {
      condition += ' AND cur = :h';
    }
    return conditionalUpdate(this.table, familyKey(sub, key), update, condition, values);
  }

  async revoke(sub: string, key: string, r: { nowSeconds: number; reason: string; by?: string }): Promise<boolean> {
    const values: Item = { ':now': n(r.nowSeconds), ':reason': s(r.reason) };
    let update = 'SET revokedAt = :now, revokedReason = :reason';
    if (r.by) {
      update += ', revokedBy = :by';
      values[':by'] = s(r.by);
    }
    return conditionalUpdate(this.table, familyKey(sub, key), update, 'attribute_exists(pk) AND attribute_not_exists(revokedAt) AND expiresAt > :now', values);
  }

  async get(sub: string, key: string): Promise<RefreshFamily | undefined> {
    const out = await this.table.client.send(new GetItemCommand({ TableName: this.table.tableName, Key: familyKey(sub, key), ConsistentRead: true }));
    return this.alive(out.Item) ? fromItem(out.Item) : undefined;
  }

  async list(sub: string): Promise<RefreshFamily[]> {
    const result: RefreshFamily[] = [];
    let ExclusiveStartKey: Item | undefined;
    do {
      const out = await this.table.client.send(
        new QueryCommand({
          TableName: this.table.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': s(keyspace.refreshFamilies(sub)) },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      for (const item of out.Items ?? []) if (this.alive(item)) result.push(fromItem(item));
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return result;
  }
}
