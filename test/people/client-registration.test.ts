/** `clients create` for browser and native apps: grant types, redirect URIs, public and third-party clients. */
import { AdminError, ClientAdmin, describeClient } from '../../lib/clients/client-admin';
import { testConfig } from '../../testkit/config';
import { FrozenClock } from '../../testkit/frozen-clock';
import { MemoryAuditSink } from '../../testkit/memory-audit-sink';
import { MemoryClientStore } from '../../testkit/memory/client-store';

const world = () => {
  const store = new MemoryClientStore();
  const admin = new ClientAdmin({ config: testConfig(), clients: store, audit: new MemoryAuditSink(), clock: new FrozenClock(Date.UTC(2026, 5, 1)) });
  return { store, admin };
};
const base = { name: 'web', scopes: ['openid', 'read:data'] };

test('a confidential web app: secret, authorization code (+ refresh token), exact redirect URIs', async () => {
  const { admin, store } = world();
  const { client, secret } = await admin.create({
    ...base,
    grantTypes: ['authorization_code', 'refresh_token'],
    redirectUris: ['https://app.example.com/cb', 'http://127.0.0.1:8080/cb'],
    postLogoutRedirectUris: ['https://app.example.com/'],
  });
  expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(describeClient(client)).toMatchObject({
    grant_types: ['authorization_code', 'refresh_token'],
    redirect_uris: ['https://app.example.com/cb', 'http://127.0.0.1:8080/cb'],
    post_logout_redirect_uris: ['https://app.example.com/'],
    token_endpoint_auth_method: 'client_secret_basic',
    public: false,
    third_party: false,
  });
  expect((await store.get(client.clientId))?.secrets).toHaveLength(1);
});

test('a public (native) client has no secret and no client_credentials; secrets cannot be rotated', async () => {
  const { admin, store } = world();
  const { client } = await admin.createPublic({ ...base, redirectUris: ['http://127.0.0.1/cb'] });
  expect(describeClient(client)).toMatchObject({ public: true, token_endpoint_auth_method: 'none', grant_types: ['authorization_code'], secrets: [] });
  expect((await store.get(client.clientId))?.secrets).toEqual([]);
  await expect(admin.rotateSecret(client.clientId)).rejects.toThrow(/public: it has no secret/);
  await expect(admin.createPublic({ ...base, grantTypes: ['client_credentials', 'authorization_code'], redirectUris: ['http://127.0.0.1/cb'] })).rejects.toThrow(
    /public client cannot use client_credentials/,
  );
  await expect(admin.create({ ...base, public: true, redirectUris: ['http://127.0.0.1/cb'] })).rejects.toThrow(/no secret/);
});

test('third-party clients are marked; machine clients stay as they were', async () => {
  const { admin } = world();
  const { client } = await admin.create({ ...base, thirdParty: true, redirectUris: ['https://partner.example/cb'] });
  expect(describeClient(client)).toMatchObject({ third_party: true, grant_types: ['authorization_code'] });
  const machine = await admin.create({ name: 'batch', scopes: ['read:data'] });
  expect(describeClient(machine.client)).toMatchObject({ grant_types: ['client_credentials'], redirect_uris: [], third_party: false, public: false });
});

test.each([
  [{ grantTypes: ['authorization_code' as const] }, /needs --redirect-uris/],
  [{ redirectUris: ['https://a.example/cb'], grantTypes: ['client_credentials' as const] }, /redirect URIs are for the authorization_code grant/],
  [{ grantTypes: ['refresh_token' as const] }, /refresh_token needs the authorization_code grant/],
  [{ grantTypes: ['implicit' as never] }, /unknown grant type\(s\): implicit/],
  [{ grantTypes: ['client_credentials' as const], thirdParty: true }, /--third-party is for clients that sign users in/],
  [{ redirectUris: ['http://localhost:3000/cb'] }, /"http:\/\/localhost:3000\/cb" uses http, which is allowed only on a loopback address/],
  [{ redirectUris: ['https://a.example/cb', 'javascript:alert(1)'] }, /"javascript:alert\(1\)" uses the scheme "javascript"/],
  [{ redirectUris: ['https://a.example/cb#x'] }, /fragment/],
  [{ redirectUris: ['https://*.example/cb'] }, /wildcard/],
  [{ redirectUris: ['https://a.example/cb'], postLogoutRedirectUris: ['data:text/html,x'] }, /scheme "data"/],
])('refused at registration: %j', async (input, why) => {
  const { admin, store } = world();
  const err = await admin.create({ ...base, ...input }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AdminError);
  expect(String((err as Error).message)).toMatch(why);
  expect(await store.list()).toEqual([]);
});
