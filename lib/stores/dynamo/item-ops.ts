/**
 * Two single-item operations of the people stores, kept out of DocTable so that the functions that do not need them
 * (the authorizer above all) do not bundle their SDK commands.
 */
import { DeleteItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { epochSeconds } from '../../core/clock';
import type { DocTable } from './doc-table';

/** Removes an item (admin paths; of the functions only logout may delete, and only sessions: deleteLiveItem). Idempotent. */
export async function deleteItem(table: DocTable, pk: string, sk: string): Promise<void> {
  await table.client.send(new DeleteItemCommand({ TableName: table.tableName, Key: { pk: { S: pk }, sk: { S: sk } } }));
}

/**
 * Moves a live item's TTL (`expiresAt`) with one conditional UpdateItem; false when the item is absent or already
 * past its TTL (nothing written, so an item that has ended stays ended).
 */
export async function moveExpiry(table: DocTable, pk: string, sk: string, expiresAt: number): Promise<boolean> {
  try {
    await table.client.send(
      new UpdateItemCommand({
        TableName: table.tableName,
        Key: { pk: { S: pk }, sk: { S: sk } },
        UpdateExpression: 'SET expiresAt = :e',
        ConditionExpression: 'attribute_exists(pk) AND expiresAt > :now',
        ExpressionAttributeValues: { ':e': { N: String(expiresAt) }, ':now': { N: String(epochSeconds(table.clock)) } },
      }),
    );
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

/**
 * Removes a live item (within its TTL) with one conditional DeleteItem; false when it is absent or already past its
 * TTL (an expired item reads as absent anyway, so nothing needs removing).
 */
export async function deleteLiveItem(table: DocTable, pk: string, sk: string): Promise<boolean> {
  try {
    await table.client.send(
      new DeleteItemCommand({
        TableName: table.tableName,
        Key: { pk: { S: pk }, sk: { S: sk } },
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(expiresAt) OR expiresAt > :now)',
        ExpressionAttributeValues: { ':now': { N: String(epochSeconds(table.clock)) } },
      }),
    );
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}
