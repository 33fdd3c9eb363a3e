/**
 * The sign-in form's lookup costs the same for a username that exists and one that does not: two consistent
 * GetItems each (a missing username reads a user that does not exist), so its timing does not enumerate users.
 */
import { DocTable } from '../../lib/stores/dynamo/doc-table';
import { createDynamoClient } from '../../lib/stores/dynamo/client';
import { DynamoUserStore } from '../../lib/stores/dynamo/user-store';
import { systemClock } from '../../lib/core/clock';
import { startDynalite, type TestDynamo } from '../../testkit/dynalite';
import { startDynamoRecorder, type DynamoRecorder } from '../../testkit/dynamo-recorder';

let ddb: TestDynamo;
let recorder: DynamoRecorder;
beforeAll(async () => {
  ddb = await startDynalite({ tableName: 'users-timing' });
  recorder = await startDynamoRecorder(ddb.endpoint);
});
afterAll(async () => {
  await recorder.close();
  await ddb.close();
});

test('known and unknown usernames: the same requests, in the same order', async () => {
  const table = new DocTable(createDynamoClient({ region: 'us-east-1', endpoint: recorder.endpoint, timeoutMs: 2000 }), 'users-timing', systemClock);
  const store = new DynamoUserStore(table);
  await store.create({ sub: 'usr_a', username: 'alice', roles: [], status: 'active', passwordHash: 'x', createdAt: 1, updatedAt: 1, passwordChangedAt: 1 });
  const shape = async (username: string) => {
    const from = recorder.requests.length;
    const found = await store.findByUsername(username);
    return { found: found?.sub, requests: recorder.requests.slice(from).map((r) => `${r.action} ${r.leadingKeys[0].split('#')[0]}`) };
  };
  expect(await shape('alice')).toEqual({ found: 'usr_a', requests: ['GetItem username', 'GetItem user'] });
  expect(await shape('mallory')).toEqual({ found: undefined, requests: ['GetItem username', 'GetItem user'] });
  table.client.destroy();
});
