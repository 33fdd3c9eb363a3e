import { ClientAdmin } from '../../lib/clients/client-admin';
import { MemoryClientStore } from '../../testkit/memory/client-store';
import { MemoryAuditSink } from '../../testkit/memory-audit-sink';
import { FrozenClock } from '../../testkit/frozen-clock';
import { testConfig } from '../../testkit/config';

test('disabling revokes before the status write (so a failure changes nothing) and again after it (so tokens minted from a stale cache die)', async () => {
  const store = new MemoryClientStore();
  const seen: string[] = [];
  const admin = new ClientAdmin({
    config: testConfig(),
    clients: store,
    audit: new MemoryAuditSink(),
    clock: new FrozenClock(),
    onDisable: async (id) => {
      seen.push((await store.get(id))!.status);
    },
  });
  const { client } = await admin.create({ name: 'a', scopes: ['read:data'] });
  await admin.setStatus(client.clientId, 'disabled');
  expect(seen).toEqual(['active', 'disabled']);

  const failing = new ClientAdmin({ config: testConfig(), clients: store, audit: new MemoryAuditSink(), onDisable: () => Promise.reject(new Error('store down')) });
  const { client: other } = await failing.create({ name: 'b', scopes: ['read:data'] });
  await expect(failing.setStatus(other.clientId, 'disabled')).rejects.toThrow('store down');
  expect((await store.get(other.clientId))!.status).toBe('active');
});

test('clients create refuses undeclared scopes and defaults outside the allowed set', async () => {
  const admin = new ClientAdmin({ config: testConfig(), clients: new MemoryClientStore(), audit: new MemoryAuditSink() });
  await expect(admin.create({ name: 'x', scopes: ['nope'] })).rejects.toThrow(/undeclared scope/);
  await expect(admin.create({ name: 'x', scopes: ['read:data'], defaultScopes: ['write:data'] })).rejects.toThrow(/default scope/);
  await expect(admin.create({ name: ' ', scopes: ['read:data'] })).rejects.toThrow(/--name/);
});
