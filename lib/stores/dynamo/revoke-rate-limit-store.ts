/**
 * Per-client revoke counters in the shared table (policy: lib/revocation/revoke-rate-limit.ts).
 *   pk = revoke-rate#<client id>#<window index>
 *   sk = revoke-rate
 *   revocations (N), expiresAt (N, TTL epoch seconds: the end of the window)
 * One item per client and window, so an old window is never read again and TTL removes it. A revocation is
 * counted with ONE conditional UpdateItem (ADD, refused once the window holds the limit): exact when several
 * containers count at once. The ids are those of authenticated clients (at most 256 characters).
 * Action used: UpdateItem.
 */
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { keyspace, sortKeys } from '../keyspace';
import type { DocTable } from './doc-table';
import type { RateWindow } from '../../models/revocation';
import type { RevokeRateLimitStore } from '../ports';

const SK = sortKeys.revokeRate;

export const revokeRateKey = keyspace.revokeRate;

const isConditionFailure = (err: unknown) => (err as { name?: string })?.name === 'ConditionalCheckFailedException';

export class DynamoRevokeRateLimitStore implements RevokeRateLimitStore {
  constructor(private readonly table: DocTable) {}

  async take(clientId: string, window: RateWindow, limit: number): Promise<boolean> {
    try {
      await this.table.client.send(
        new UpdateItemCommand({
          TableName: this.table.tableName,
          Key: { pk: { S: revokeRateKey(clientId, window.index) }, sk: { S: SK } },
          UpdateExpression: 'ADD revocations :one SET expiresAt = :exp',
          ConditionExpression: 'attribute_not_exists(revocations) OR revocations < :limit',
          ExpressionAttributeValues: { ':one': { N: '1' }, ':exp': { N: String(window.endsAt) }, ':limit': { N: String(limit) } },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }
}
