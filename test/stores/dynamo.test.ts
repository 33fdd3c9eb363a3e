/** The shared table's DocTable rules the stores rely on (the stores' own contracts: client-and-key-stores.test.ts). */
import { startDynalite, type TestDynamo } from '../../testkit/dynalite';
import { FrozenClock } from '../../testkit/frozen-clock';

const clock = new FrozenClock(Date.UTC(2026, 5, 1));
let ddb: TestDynamo;
beforeAll(async () => {
  ddb = await startDynalite({ clock });
});
afterAll(() => ddb.close());

test('an item past its TTL reads as absent and can be written again', async () => {
  await ddb.table.put('ttl', 'x', { a: 1 }, 1, { expiresAt: Math.floor(clock.now() / 1000) + 10 });
  expect((await ddb.table.get('ttl', 'x'))?.doc).toEqual({ a: 1 });
  clock.advance(11_000);
  expect(await ddb.table.get('ttl', 'x')).toBeUndefined();
  await ddb.table.put('ttl', 'x', { a: 2 }, 1, { ifAbsent: true });
  expect((await ddb.table.get('ttl', 'x'))?.doc).toEqual({ a: 2 });
});
