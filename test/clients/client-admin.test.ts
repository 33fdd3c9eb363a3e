import { ClientAdmin } from '../../lib/clients/client-admin';
import { MemoryClientStore } from '../../testkit/memory/client-store';
import { MemoryAuditSink } from '../../testkit/memory-audit-sink';
import { FrozenClock } from '../../testkit/frozen-clock';
import { testConfig } from '../../testkit/config';
import { AdminError, DisableRevocationError } from '../../lib/clients/client-admin';

test('disabling revokes before the status write and again after it (so tokens minted from a stale cache die)', async () => {
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

});

test('a revocation that keeps failing: the status is written anyway, the revocation retried, and the error says the client IS disabled', async () => {
  const store = new MemoryClientStore();
  const audit = new MemoryAuditSink();
  let attempts = 0;
  const failing = new ClientAdmin({
    config: testConfig(),
    clients: store,
    audit,
    disableRetryDelaysMs: [0, 0],
    onDisable: () => {
      attempts++;
      return Promise.reject(Object.assign(new Error('throughput exceeded'), { name: 'ProvisionedThroughputExceededException' }));
    },
  });
  const { client } = await failing.create({ name: 'b', scopes: ['read:data'] });
  const err = await failing.setStatus(client.clientId, 'disabled').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DisableRevocationError);
  expect(err).toBeInstanceOf(AdminError); // the CLI prints it and exits 1
  expect((err as Error).message).toBe(
    `client ${client.clientId} IS disabled (no new tokens once the token endpoint's client cache expires, within 5 s), but its existing tokens were NOT revoked (ProvisionedThroughputExceededException: throughput exceeded): ` +
      `they keep working until they expire. Run \`clients disable ${client.clientId}\` again to retry the revocation.`,
  );
  expect((await store.get(client.clientId))!.status).toBe('disabled');
  expect(attempts).toBe(4); // once before the status write, three times after it
  expect(audit.events.slice(-2)).toEqual([
    expect.objectContaining({ event: 'client.disabled', outcome: 'success', client_id: client.clientId }),
    expect.objectContaining({ event: 'revocation.client', outcome: 'failure', reason: 'store_unavailable', client_id: client.clientId }),
  ]);
});

test('clients create refuses undeclared scopes and defaults outside the allowed set', async () => {
  const admin = new ClientAdmin({ config: testConfig(), clients: new MemoryClientStore(), audit: new MemoryAuditSink() });
  await expect(admin.create({ name: 'x', scopes: ['nope'] })).rejects.toThrow(/undeclared scope/);
  await expect(admin.create({ name: 'x', scopes: ['read:data'], defaultScopes: ['write:data'] })).rejects.toThrow(/default scope/);
  await expect(admin.create({ name: ' ', scopes: ['read:data'] })).rejects.toThrow(/--name/);
});
