/**
 * Single-item conditional operations of the people and refresh-family stores, kept out of DocTable so that the functions that do not need them
 * (the authorizer above all) do not bundle their SDK commands.
 */
import { DeleteItemCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
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
export function moveExpiry(table: DocTable, pk: string, sk: string, expiresAt: number): Promise<boolean> {
  return conditionalUpdate(table, { pk: { S: pk }, sk: { S: sk } }, 'SET expiresAt = :e', 'attribute_exists(pk) AND expiresAt > :now', {
    ':e': { N: String(expiresAt) },
    ':now': { N: String(epochSeconds(table.clock)) },
  });
}

/** One UpdateItem under a condition: true when written, false when the condition failed (nothing written). */
export async function conditionalUpdate(
  table: DocTable,
  key: Record<string, AttributeValue>,
  update: string,
  condition: string,
  values: Record<string, AttributeValue>,
): Promise<boolean> {
  try {
    await table.client.send(new UpdateItemCommand({ TableName: table.tableName, Key: key, UpdateExpression: update, ConditionExpression: condition, ExpressionAttributeValues: values }));
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
