/** Starts an in-process dynalite (the real DynamoDB wire protocol) on a free port, with the portcullis table. */
import type { AddressInfo } from 'node:net';
import { DocTable } from '../lib/stores/dynamo/doc-table';
import { ensureTable } from '../lib/stores/dynamo/ensure-table';
import type { Clock } from '../lib/core/clock';
import { systemClock } from '../lib/core/clock';
import { createDynamoClient } from '../lib/stores/dynamo/client';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (opts: { createTableMs: number; path?: string }) => import('node:http').Server;

export interface TestDynamo {
  endpoint: string;
  tableName: string;
  table: DocTable;
  close(): Promise<void>;
}

export async function startDynalite(opts: { clock?: Clock; tableName?: string } = {}): Promise<TestDynamo> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tableName = opts.tableName ?? 'portcullis-test';
  const client = createDynamoClient({ region: 'us-east-1', endpoint, timeoutMs: 2000 });
  await ensureTable(client, tableName);
  return {
    endpoint,
    tableName,
    table: new DocTable(client, tableName, opts.clock ?? systemClock),
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
