/** `clients create|update` with an authentication method, public keys and a token quota: what a record may hold. */
import { generateKeyPairSync } from 'node:crypto';
import { AdminError, ClientAdmin, describeClient } from '../../lib/clients/client-admin';
import { clientKey, jwksOf } from '../../testkit/client-assertions';
import { testConfig } from '../../testkit/config';
import { FrozenClock } from '../../testkit/frozen-clock';
import { MemoryAuditSink } from '../../testkit/memory-audit-sink';
import { MemoryClientStore } from '../../testkit/memory/client-store';
import { MemoryTokenQuotaStore } from '../../testkit/memory/token-quota-store';

const es = clientKey('ES256', 'es');
const rsa = clientKey('RS256', 'rsa');
const ed = clientKey('EdDSA', 'ed');

function admin(env: Record<string, string> = {}) {
  const audit = new MemoryAuditSink();
  const quotas = new MemoryTokenQuotaStore();
  const clock = new FrozenClock(Date.UTC(2026, 5, 1, 12, 0, 15));
  const a = new ClientAdmin({ config: testConfig({ env }), clients: new MemoryClientStore(), audit, clock, quotas });
  return { a, audit, quotas, clock };
}
const pkjwt = (jwks: unknown) => ({ name: 'k', scopes: ['read:data'], authMethod: 'private_key_jwt', jwks: typeof jwks === 'string' ? jwks : JSON.stringify(jwks) });

test('a private_key_jwt client has public keys and no secret; only public members are stored; show and --json say so', async () => {
  const { a, audit } = admin();
  const { client, secret } = await a.create(pkjwt({ keys: [{ ...es.publicJwk, x5t: 'ignored', extra: 1 }, rsa.publicJwk, ed.publicJwk] }));
  expect(secret).toBe('');
  expect(client.secrets).toEqual([]);
  expect(client.tokenEndpointAuthMethod).toBe('private_key_jwt');
  expect(client.jwks!.keys[0]).toEqual(es.publicJwk);
  expect(describeClient(client)).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', jwks: client.jwks, max_tokens_per_minute: null });
  expect(JSON.stringify(describeClient(client))).not.toMatch(/"d"|hash/);
  expect(audit.events.at(-1)).toMatchObject({ event: 'client.created', detail: { auth_method: 'private_key_jwt' } });
  await expect(a.rotateSecret(client.clientId)).rejects.toThrow(/has no secret/);
});

test('a secret client is described as such', async () => {
  const { a } = admin();
  const { client, secret } = await a.create({ name: 's', scopes: ['read:data'], authMethod: 'client_secret_post' });
  expect(secret).toHaveLength(43);
  expect(describeClient(client)).toMatchObject({ token_endpoint_auth_method: 'client_secret_basic', max_tokens_per_minute: null });
  expect(describeClient(client)).not.toHaveProperty('jwks');
});

test.each([
  ['private key material', { keys: [{ ...(es.privateKey.export({ format: 'jwk' }) as object), kid: 'x' }] }, /private key material \(d\)/],
  ['a symmetric key', { keys: [{ kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ', kid: 'x' }] }, /private key material|symmetric/],
  ['RSA under 2048 bits', { keys: [{ ...(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' }) as object), kid: 'x' }] }, /2048/],
  ['a P-384 key', { keys: [{ ...(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' }) as object), kid: 'x' }] }, /P-256/],
  ['an encryption key', { keys: [{ ...es.publicJwk, use: 'enc' }] }, /use "enc"/],
  ['an alg the key cannot do', { keys: [{ ...es.publicJwk, alg: 'RS256' }] }, /not allowed for a EC key/],
  ['HS256 as alg', { keys: [{ ...rsa.publicJwk, alg: 'HS256' }] }, /not allowed/],
  ['two keys without kids', { keys: [{ ...es.publicJwk, kid: undefined }, { ...rsa.publicJwk, kid: undefined }] }, /every key needs a kid/],
  ['a duplicate kid', { keys: [es.publicJwk, { ...rsa.publicJwk, kid: es.kid }] }, /two keys have the kid/],
  ['no keys', { keys: [] }, /no usable/],
  ['not a JWKS', [es.publicJwk], /"keys" array/],
  ['not JSON', '{keys:', /not valid JSON/],
])('--jwks with %s is refused with a clear error', async (_name, jwks, message) => {
  const { a } = admin();
  const err = await a.create(pkjwt(jwks)).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AdminError);
  expect((err as Error).message).toMatch(message);
});

test('--jwks-uri must be https (http only on loopback in the local stage), without credentials or fragment; exactly one key source', async () => {
  const { a } = admin({ PORTCULLIS_STAGE: 'prod', PORTCULLIS_ISSUER: 'https://auth.example.com', PORTCULLIS_SIGNER: 'file' });
  const uri = (jwksUri: string) => a.create({ name: 'u', scopes: ['read:data'], authMethod: 'private_key_jwt', jwksUri });
  expect((await uri('https://client.example.com/jwks.json')).client.jwksUri).toBe('https://client.example.com/jwks.json');
  await expect(uri('http://client.example.com/jwks.json')).rejects.toThrow(/https/);
  await expect(uri('http://127.0.0.1:9999/jwks.json')).rejects.toThrow(/https/);
  await expect(uri('https://user:pw@client.example.com/jwks.json')).rejects.toThrow(/credentials/);
  await expect(uri('https://client.example.com/jwks.json#x')).rejects.toThrow(/fragment/);
  await expect(uri('file:///etc/passwd')).rejects.toThrow(/https/);
  await expect(a.create({ name: 'u', scopes: ['read:data'], authMethod: 'private_key_jwt' })).rejects.toThrow(/exactly one of --jwks/);
  await expect(a.create({ ...pkjwt(jwksOf(es)), jwksUri: 'https://c.example/j' })).rejects.toThrow(/exactly one of --jwks/);
  await expect(a.create({ name: 'u', scopes: ['read:data'], jwksUri: 'https://c.example/j' })).rejects.toThrow(/go with --auth-method private_key_jwt/);
  await expect(a.create({ name: 'u', scopes: ['read:data'], authMethod: 'tls_client_auth' })).rejects.toThrow(/--auth-method must be one of/);
  const local = admin();
  expect((await local.a.create({ name: 'u', scopes: ['read:data'], authMethod: 'private_key_jwt', jwksUri: 'http://127.0.0.1:9999/jwks.json' })).client.jwksUri).toBeDefined();
});

test('quota: set at creation, changed and removed with update (other settings untouched), audited; show has the current use', async () => {
  const { a, audit, quotas, clock } = admin();
  await expect(a.create({ name: 'q', scopes: ['read:data'], maxTokensPerMinute: 0 })).rejects.toThrow(/from 1 to/);
  const { client } = await a.create({ name: 'q', scopes: ['read:data'], maxTokensPerMinute: 5 });
  expect(describeClient(client).max_tokens_per_minute).toBe(5);
  for (let i = 0; i < 3; i++) await quotas.take(client.clientId, { index: Math.floor(clock.now() / 60_000), endsAt: 0 }, 5);
  expect(await a.quotaUse(client)).toEqual({ max_tokens_per_minute: 5, tokens_this_window: 3, window_seconds: 60, window_ends_at: '2026-06-01T12:01:00.000Z' });
  const updated = await a.update(client.clientId, { maxTokensPerMinute: 50 });
  expect({ ...updated, updatedAt: 0, maxTokensPerMinute: 5 }).toEqual({ ...client, updatedAt: 0 });
  expect(updated.maxTokensPerMinute).toBe(50);
  expect(audit.events.at(-1)).toMatchObject({ event: 'client.updated', client_id: client.clientId, detail: { max_tokens_per_minute: 50 } });
  const removed = await a.update(client.clientId, { maxTokensPerMinute: null });
  expect(removed.maxTokensPerMinute).toBeUndefined();
  expect(await a.quotaUse(removed)).toBeUndefined();
  await expect(a.update(client.clientId, { jwks: JSON.stringify(jwksOf(es)) })).rejects.toThrow(/authenticates with a secret/);
  await expect(a.update('nobody', { maxTokensPerMinute: 1 })).rejects.toThrow(/no client/);
});

test('update replaces a private_key_jwt client\'s keys (inline ↔ remote)', async () => {
  const { a } = admin();
  const { client } = await a.create(pkjwt(jwksOf(es)));
  const remote = await a.update(client.clientId, { jwksUri: 'http://localhost:8080/jwks' });
  expect(remote.jwks).toBeUndefined();
  expect(remote.jwksUri).toBe('http://localhost:8080/jwks');
  const inline = await a.update(client.clientId, { jwks: JSON.stringify(jwksOf(rsa)) });
  expect(inline.jwksUri).toBeUndefined();
  expect(inline.jwks).toEqual(jwksOf(rsa));
  await expect(a.update(client.clientId, { jwks: '{"keys":[{"kty":"oct","k":"eA"}]}' })).rejects.toThrow(AdminError);
});
