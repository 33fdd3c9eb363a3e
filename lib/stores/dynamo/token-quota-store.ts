/**
 * Per-client token quota counters in the shared table (policy: lib/clients/token-quota.ts).
 *   pk = token-quota#<client id>#<window index>
 *   sk = token-quota
 *   tokens (N), expiresAt (N, TTL epoch seconds: the end of the window)
 * One item per client and window, so an old window is never read again and TTL removes it. A token is counted with
 * ONE conditional UpdateItem (ADD, refused once the window holds the quota): exact when several containers count at
 * once. The ids are those of authenticated clients (at most 256 characters).
 * Actions used: UpdateItem (the token function), GetItem (`clients show`, the admin CLI).
 */
import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { RateWindow } from '../../models/revocation';
import { keyspace, sortKeys } from '../keyspace';
import type { TokenQuotaStore } from '../ports';
import type { DocTable } from './doc-table';

const SK = sortKeys.tokenQuota;
const isConditionFailure = (err: unknown) => (err as { name?: string })?.name === 'ConditionalCheckFailedException';

export class DynamoTokenQuotaStore implements TokenQuotaStore {
  constructor(private readonly table: DocTable) {}

  async take(clientId: string, window: RateWindow, limit: number): Promise<boolean> {
    try {
      await this.table.client.send(
        new UpdateItemCommand({
          TableName: this.table.tableName,
          Key: { pk: { S: keyspace.tokenQuota(clientId, window.index) }, sk: { S: SK } },
          UpdateExpression: 'ADD tokens :one SET expiresAt = :exp',
          ConditionExpression: 'attribute_not_exists(tokens) OR tokens < :limit',
          ExpressionAttributeValues: { ':one': { N: '1' }, ':exp': { N: String(window.endsAt) }, ':limit': { N: String(limit) } },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async used(clientId: string, window: RateWindow): Promise<number> {
    const out = await this.table.client.send(
      new GetItemCommand({ TableName: this.table.tableName, Key: { pk: { S: keyspace.tokenQuota(clientId, window.index) }, sk: { S: SK } }, ConsistentRead: true }),
    );
    return Number(out.Item?.tokens?.N ?? 0);
  }
}
