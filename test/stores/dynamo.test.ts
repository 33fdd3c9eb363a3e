import { FrozenClock } from '../../lib/core/clock';
import { DynamoClientStore } from '../../lib/stores/dynamo/client-store';
import { startDynalite, type TestDynamo } from '../../testkit/dynalite';
import { ConflictError, NotFoundError } from '../../lib/stores/ports';
import type { ClientRecord } from '../../lib/models/client';

const clock = new FrozenClock(Date.UTC(2026, 5, 1));
let ddb: TestDynamo;
beforeAll(async () => {
  ddb = await startDynalite({ clock });
});
afterAll(() => ddb.close());

const client = (id: string): ClientRecord => ({
  clientId: id,
  name: 'n',
  allowedScopes: ['read:data'],
  defaultScopes: ['read:data'],
  grantTypes: ['client_credentials'],
  status: 'active',
  secrets: [{ hash: 'ab', createdAt: 1 }],
  createdAt: 1,
  updatedAt: 1,
});

test('client store: create, get, list, update; duplicates and unknown ids refused', async () => {
  const store = new DynamoClientStore(ddb.table);
  await store.create(client('a'));
  await store.create(client('b'));
  await expect(store.create(client('a'))).rejects.toBeInstanceOf(ConflictError);
  expect((await store.get('a'))?.name).toBe('n');
  expect(await store.get('zzz')).toBeUndefined();
  expect((await store.list()).map((c) => c.clientId).sort()).toEqual(['a', 'b']);
  const updated = await store.update('a', (c) => ({ ...c, status: 'disabled' }));
  expect(updated.status).toBe('disabled');
  expect((await store.get('a'))?.status).toBe('disabled');
  await expect(store.update('nope', (c) => c)).rejects.toBeInstanceOf(NotFoundError);
});

test('an item past its TTL reads as absent and can be written again', async () => {
  await ddb.table.put('ttl', 'x', { a: 1 }, 1, { expiresAt: Math.floor(clock.now() / 1000) + 10 });
  expect((await ddb.table.get('ttl', 'x'))?.doc).toEqual({ a: 1 });
  clock.advance(11_000);
  expect(await ddb.table.get('ttl', 'x')).toBeUndefined();
  await ddb.table.put('ttl', 'x', { a: 2 }, 1, { ifAbsent: true });
  expect((await ddb.table.get('ttl', 'x'))?.doc).toEqual({ a: 2 });
});
