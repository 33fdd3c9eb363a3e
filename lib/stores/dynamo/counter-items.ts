/**
 * Counter items of the shared table: numeric attributes only (no JSON `doc`), so a count changes with ONE atomic
 * UpdateItem (ADD) however many containers count at once. Every counter item carries `expiresAt` (TTL, epoch
 * seconds) and reads as absent past it; the first write after that re-creates it with a conditional PutItem.
 * Used by the brute-force lockout; per-client quotas follow the same rules.
 */
import { GetItemCommand, PutItemCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { ConflictError } from '../ports';
import type { DocTable } from './doc-table';

export type Counters = Record<string, number>;

const isConditionFailure = (err: unknown) => (err as { name?: string })?.name === 'ConditionalCheckFailedException';

const key = (pk: string, sk: string): Record<string, AttributeValue> => ({ pk: { S: pk }, sk: { S: sk } });

function numbers(item: Record<string, AttributeValue> | undefined): Counters | undefined {
  if (!item) return undefined;
  const out: Counters = {};
  for (const [name, v] of Object.entries(item)) if (v.N !== undefined) out[name] = Number(v.N);
  return out;
}

const attrs = (values: Counters): Record<string, AttributeValue> => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { N: String(v) }]));

export class CounterItems {
  constructor(private readonly table: DocTable) {}

  /** One strongly consistent GetItem: the numbers of a live item, or undefined. */
  async get(pk: string, sk: string, nowSeconds: number): Promise<Counters | undefined> {
    const out = await this.table.client.send(new GetItemCommand({ TableName: this.table.tableName, Key: key(pk, sk), ConsistentRead: true }));
    const n = numbers(out.Item);
    return n && (n.expiresAt ?? 0) > nowSeconds ? n : undefined;
  }

  /**
   * Adds `add` to a live item and sets `set` (one UpdateItem), or creates it as `add` + `set` when none is live
   * (one conditional PutItem; `knownAbsent` tries that first). Returns the item's numbers after the write.
   * `set.expiresAt` is required: it moves the TTL.
   */
  async bump(pk: string, sk: string, opts: { add: Counters; set: Counters & { expiresAt: number }; nowSeconds: number; knownAbsent?: boolean }): Promise<Counters> {
    const fresh = { ...opts.add, ...opts.set };
    const names = Object.keys(fresh);
    const values: Record<string, AttributeValue> = { ':now': { N: String(opts.nowSeconds) } };
    const adds = Object.keys(opts.add).map((n, i) => {
      values[`:a${i}`] = { N: String(opts.add[n]) };
      return `#a${i} :a${i}`;
    });
    const sets = Object.keys(opts.set).map((n, i) => {
      values[`:s${i}`] = { N: String(opts.set[n]) };
      return `#s${i} = :s${i}`;
    });
    const attrNames = Object.fromEntries([...Object.keys(opts.add).map((n, i) => [`#a${i}`, n]), ...Object.keys(opts.set).map((n, i) => [`#s${i}`, n])]);
    let create = opts.knownAbsent ?? false;
    for (let attempt = 0; attempt < 4; attempt++) {
      try {
        if (create) {
          await this.table.client.send(
            new PutItemCommand({
              TableName: this.table.tableName,
              Item: { ...key(pk, sk), ...attrs(fresh) },
              ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
              ExpressionAttributeValues: { ':now': values[':now'] },
            }),
          );
          return Object.fromEntries(names.map((n) => [n, fresh[n]]));
        }
        const out = await this.table.client.send(
          new UpdateItemCommand({
            TableName: this.table.tableName,
            Key: key(pk, sk),
            UpdateExpression: `${adds.length ? `ADD ${adds.join(', ')} ` : ''}SET ${sets.join(', ')}`,
            ConditionExpression: 'expiresAt > :now',
            ExpressionAttributeNames: attrNames,
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_NEW',
          }),
        );
        return numbers(out.Attributes) ?? fresh;
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        // Absent or expired (update refused), or created meanwhile by another container (put refused).
        create = !create;
      }
    }
    throw new ConflictError(`the counter ${pk} is being changed concurrently`);
  }

  /** Overwrites the item (e.g. as already expired, which reads as absent and which TTL deletes: no DeleteItem needed). */
  async put(pk: string, sk: string, values: Counters & { expiresAt: number }): Promise<void> {
    await this.table.client.send(new PutItemCommand({ TableName: this.table.tableName, Item: { ...key(pk, sk), ...attrs(values) } }));
  }
}
