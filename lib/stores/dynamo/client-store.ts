import type { ClientStore } from '../ports';
import type { DocTable } from './doc-table';
import type { ClientRecord } from '../../models/client';
import { keyspace, sortKeys } from '../keyspace';

const PK = keyspace.client;
const SK = sortKeys.client;
/** All client ids are also listed under one partition for `clients list` (admin path, not hot). */
const INDEX_PK = keyspace.clientIndex;

export class DynamoClientStore implements ClientStore {
  constructor(private readonly table: DocTable) {}

  async get(clientId: string): Promise<ClientRecord | undefined> {
    return (await this.table.get<ClientRecord>(PK(clientId), SK))?.doc;
  }

  async create(client: ClientRecord): Promise<void> {
    await this.table.put(PK(client.clientId), SK, client, 1, { ifAbsent: true });
    await this.table.put(INDEX_PK, client.clientId, { clientId: client.clientId }, 1);
  }

  update(clientId: string, change: (c: ClientRecord) => ClientRecord): Promise<ClientRecord> {
    return this.table.update(PK(clientId), SK, `client ${clientId}`, change);
  }

  async list(): Promise<ClientRecord[]> {
    const ids = await this.table.queryPartition<{ clientId: string }>(INDEX_PK);
    const clients = await Promise.all(ids.map((i) => this.get(i.doc.clientId)));
    return clients.filter((c): c is ClientRecord => c !== undefined);
  }
}
