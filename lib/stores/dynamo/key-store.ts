import type { KeyStore } from '../ports';
import type { DocTable } from './doc-table';
import type { KeyRecord } from '../../models/key';
import { keyspace } from '../keyspace';

const PK = keyspace.keys;

export class DynamoKeyStore implements KeyStore {
  constructor(private readonly table: DocTable) {}

  async list(): Promise<KeyRecord[]> {
    return (await this.table.queryPartition<KeyRecord>(PK)).map((i) => i.doc);
  }

  async get(kid: string): Promise<KeyRecord | undefined> {
    return (await this.table.get<KeyRecord>(PK, kid))?.doc;
  }

  async create(key: KeyRecord): Promise<void> {
    await this.table.put(PK, key.kid, key, 1, { ifAbsent: true });
  }

  update(kid: string, change: (k: KeyRecord) => KeyRecord): Promise<KeyRecord> {
    return this.table.update(PK, kid, `key ${kid}`, change);
  }
}
