/** Refresh-token settings: the configuration section and a client's own (rotation, lifetimes that only shorten). */
import { AdminError, ClientAdmin, describeClient } from '../../lib/clients/client-admin';
import { loadConfig } from '../../lib/config/load-config';
import { testConfig } from '../../testkit/config';
import { FrozenClock } from '../../testkit/frozen-clock';
import { MemoryAuditSink } from '../../testkit/memory-audit-sink';
import { MemoryClientStore } from '../../testkit/memory/client-store';

const base = { name: 'app', scopes: ['read:data'], redirectUris: ['https://app.example.com/cb'], grantTypes: ['authorization_code' as const, 'refresh_token' as const] };
const admin = () => new ClientAdmin({ config: testConfig(), clients: new MemoryClientStore(), audit: new MemoryAuditSink(), clock: new FrozenClock(Date.UTC(2026, 5, 1)) });

test('defaults: 10 s grace, 30 days absolute, 7 days idle; bad values are refused at load', () => {
  expect(loadConfig({ PORTCULLIS_KEY_DIR: '/x' }).refreshTokens).toEqual({ reuseGraceSeconds: 10, absoluteLifetimeSeconds: 2_592_000, idleLifetimeSeconds: 604_800 });
  expect(loadConfig({ PORTCULLIS_KEY_DIR: '/x', PORTCULLIS_REFRESH_REUSE_GRACE_SECONDS: '0' }).refreshTokens.reuseGraceSeconds).toBe(0);
  for (const [name, value] of [
    ['PORTCULLIS_REFRESH_REUSE_GRACE_SECONDS', '301'],
    ['PORTCULLIS_REFRESH_REUSE_GRACE_SECONDS', '1.5'],
    ['PORTCULLIS_REFRESH_ABSOLUTE_LIFETIME_SECONDS', String(91 * 86_400)],
    ['PORTCULLIS_REFRESH_IDLE_LIFETIME_SECONDS', String(31 * 86_400)],
    ['PORTCULLIS_REFRESH_IDLE_LIFETIME_SECONDS', '0'],
  ]) {
    expect(() => loadConfig({ PORTCULLIS_KEY_DIR: '/x', [name]: value })).toThrow(/configuration error/);
  }
});

test('a confidential client rotates by default and may turn it off; a public client cannot', async () => {
  const a = admin();
  const { client } = await a.create(base);
  expect(describeClient(client)).toMatchObject({ refresh_rotation: true, refresh_absolute_lifetime_seconds: null, refresh_idle_lifetime_seconds: null });
  const off = await a.update(client.clientId, { refreshRotation: false });
  expect(off.refreshTokens).toEqual({ rotation: false });
  expect(describeClient(off).refresh_rotation).toBe(false);
  expect((await a.update(client.clientId, { refreshRotation: true })).refreshTokens).toBeUndefined();
  await expect(a.createPublic({ ...base, refreshRotation: false })).rejects.toThrow(/public client always rotates/);
  const { client: pub } = await a.createPublic(base);
  await expect(a.update(pub.clientId, { refreshRotation: false })).rejects.toBeInstanceOf(AdminError);
});

test('per-client lifetimes may only shorten the global ones', async () => {
  const a = admin();
  const { client } = await a.create({ ...base, refreshAbsoluteLifetimeSeconds: 86_400, refreshIdleLifetimeSeconds: 3600 });
  expect(client.refreshTokens).toEqual({ absoluteLifetimeSeconds: 86_400, idleLifetimeSeconds: 3600 });
  await expect(a.update(client.clientId, { refreshAbsoluteLifetimeSeconds: 31 * 86_400 })).rejects.toThrow(/may only shorten/);
  await expect(a.update(client.clientId, { refreshIdleLifetimeSeconds: 0 })).rejects.toThrow(/may only shorten/);
  expect((await a.update(client.clientId, { refreshIdleLifetimeSeconds: 600 })).refreshTokens).toEqual({ absoluteLifetimeSeconds: 86_400, idleLifetimeSeconds: 600 });
});
