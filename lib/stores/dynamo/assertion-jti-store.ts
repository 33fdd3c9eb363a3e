/**
 * Used client-assertion jtis in the shared table (lib/client-auth/private-key-jwt.ts).
 *   pk = assertion-jti#<SHA-256 hex of the client id and the jti>
 *   sk = assertion-jti
 *   expiresAt (N, TTL epoch seconds: the assertion's exp + clock skew, after which it is refused as expired anyway)
 * A jti is claimed with ONE conditional PutItem (no item, or only one past its TTL): exact when several containers
 * receive the same assertion at once, and the only DynamoDB call an assertion costs. No read, no delete.
 * Action used: PutItem.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { keyspace, sortKeys } from '../keyspace';
import type { AssertionJtiStore } from '../ports';
import type { DocTable } from './doc-table';

const isConditionFailure = (err: unknown) => (err as { name?: string })?.name === 'ConditionalCheckFailedException';

export class DynamoAssertionJtiStore implements AssertionJtiStore {
  constructor(private readonly table: DocTable) {}

  async claim(clientId: string, jti: string, opts: { expiresAt: number; nowSeconds: number }): Promise<boolean> {
    try {
      await this.table.client.send(
        new PutItemCommand({
          TableName: this.table.tableName,
          Item: { pk: { S: keyspace.assertionJti(clientId, jti) }, sk: { S: sortKeys.assertionJti }, expiresAt: { N: String(opts.expiresAt) } },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
          ExpressionAttributeValues: { ':now': { N: String(opts.nowSeconds) } },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }
}
