/**
 * The table's content, for the invariant "no request changes stored data unless it was valid": a full scan (the fuzzing
 * table is small), without the counter items that a refused request legitimately changes (client and user lockout
 * state, the revocation rate window, the token quota window: lib/stores/keyspace.ts).
 */
import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** pk prefixes of the counters a refused request may count (a failure, a request in a window). */
export const COUNTER_PREFIXES = ['lockout#', 'lockout-h#', 'lockout-user#', 'revoke-rate#', 'token-quota#'];

export async function storeSnapshot(client: DynamoDBClient, tableName: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }));
    for (const item of page.Items ?? []) {
      const pk = item.pk?.S ?? '';
      if (COUNTER_PREFIXES.some((p) => pk.startsWith(p))) continue;
      const sorted = Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)));
      out.set(`${pk} ${item.sk?.S ?? ''}`, JSON.stringify(sorted));
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/** Keys added, removed or changed between two snapshots. */
export function snapshotDiff(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of after) if (!before.has(k)) out.push(`added ${k}`);
  else if (before.get(k) !== v) out.push(`changed ${k}`);
  for (const k of before.keys()) if (!after.has(k)) out.push(`removed ${k}`);
  return out;
}
