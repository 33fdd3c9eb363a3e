import { compactVerify, createLocalJWKSet, importJWK, jwtVerify } from 'jose';
import { loadConfig } from '../../lib/config/load-config';
import { OAuthError, serializeError } from '../../lib/core/errors';
import { createKeyRing } from '../../lib/keys/key-ring';
import { KmsSigner } from '../../lib/keys/kms-signer';
import type { Signer } from '../../lib/keys/signer';
import { DynamoKeyStore } from '../../lib/stores/dynamo/key-store';
import { startFakeKms, type FakeKms } from '../../testkit/fakes/fake-kms';
import { startDynalite, type TestDynamo } from '../../testkit/dynalite';
import { initKeys } from '../../lib/keys/init-keys';
import { FrozenClock } from '../../testkit/frozen-clock';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const ALIAS = 'alias/portcullis-test-signing';

let kms: FakeKms;
let ddb: TestDynamo;
const clock = new FrozenClock(Date.UTC(2026, 2, 1));
beforeAll(async () => {
  [kms, ddb] = await Promise.all([startFakeKms(), startDynalite({ clock })]);
});
afterAll(async () => {
  await Promise.all([kms.close(), ddb.close()]);
});
afterEach(() => {
  kms.fail('none');
  kms.setEcdsaFilter(undefined);
});

async function signedJws(signer: Signer): Promise<string> {
  const input = `${b64({ alg: signer.alg, typ: 'at+jwt', kid: signer.kid })}.${b64({ sub: 'c', jti: Math.random().toString(36) })}`;
  return `${input}.${(await signer.sign(Buffer.from(input))).toString('base64url')}`;
}

async function verifies(signer: Signer, jws: string): Promise<boolean> {
  const key = await importJWK(await signer.publicJwk(), signer.alg);
  return compactVerify(jws, key, { algorithms: [signer.alg] }).then(
    () => true,
    () => false,
  );
}

describe('KmsSigner against the wire-level fake KMS', () => {
  test.each([
    ['RS256', 'RSA_2048', 'RSASSA_PKCS1_V1_5_SHA_256'],
    ['ES256', 'ECC_NIST_P256', 'ECDSA_SHA_256'],
  ] as const)('%s: Sign in DIGEST mode; jose verifies the JWS', async (alg, spec, kmsAlg) => {
    const { arn } = kms.createKey(spec);
    const signer = await KmsSigner.create({ kms: kms.client(), keyId: arn });
    expect(signer.alg).toBe(alg);
    const jws = await signedJws(signer);
    expect(await verifies(signer, jws)).toBe(true);
    const req = kms.requests.filter((r) => r.op === 'Sign').pop()!.body;
    expect(req).toMatchObject({ KeyId: arn, MessageType: 'DIGEST', SigningAlgorithm: kmsAlg });
    expect(Buffer.from(String(req.Message), 'base64')).toHaveLength(32);
    // A tampered payload does not verify: the check above can fail.
    const [h, , s] = jws.split('.');
    expect(await verifies(signer, `${h}.${b64({ sub: 'evil' })}.${s}`)).toBe(false);
  });

  test.each([
    ['r shorter than 32 bytes', (r: bigint) => r < 1n << 248n],
    ['s shorter than 32 bytes', (_: bigint, s: bigint) => s < 1n << 248n],
    ['r and s with the high bit set (33-byte DER integers)', (r: bigint, s: bigint) => r >= 1n << 255n && s >= 1n << 255n],
    ['r with a leading zero byte but s full', (r: bigint, s: bigint) => r < 1n << 248n && s >= 1n << 255n],
  ])('ES256 edge case: %s still verifies', async (_, filter) => {
    const { arn } = kms.createKey('ECC_NIST_P256');
    const signer = await KmsSigner.create({ kms: kms.client(), keyId: arn });
    kms.setEcdsaFilter(filter);
    const jws = await signedJws(signer);
    expect(Buffer.from(jws.split('.')[2], 'base64url')).toHaveLength(64);
    expect(await verifies(signer, jws)).toBe(true);
  });

  test('GetPublicKey is called once and cached, also for concurrent callers', async () => {
    const { arn } = kms.createKey('ECC_NIST_P256', { alias: 'alias/cache-test' });
    const before = kms.calls.GetPublicKey ?? 0;
    const signer = await KmsSigner.create({ kms: kms.client(), keyId: 'alias/cache-test' });
    await Promise.all([signer.publicJwk(), signer.publicJwk(), signer.publicJwk()]);
    for (let i = 0; i < 3; i++) await signedJws(signer);
    expect((kms.calls.GetPublicKey ?? 0) - before).toBe(1);
    // addressed by alias, the key is the same as by ARN
    expect(signer.kid).toBe((await KmsSigner.create({ kms: kms.client(), keyId: arn })).kid);
  });

  test.each(['500', 'unreachable'] as const)('KMS %s → temporarily_unavailable (503, Retry-After); recovers after', async (mode) => {
    const { arn } = kms.createKey('RSA_2048');
    const signer = await KmsSigner.create({ kms: kms.client({ maxAttempts: 2 }), keyId: arn });
    kms.fail(mode);
    const err = await signedJws(signer).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OAuthError);
    const s = serializeError(err);
    expect(s.status).toBe(503);
    expect(s.body.error).toBe('temporarily_unavailable');
    expect(s.headers['Retry-After']).toBeDefined();
    kms.fail('none');
    expect(await verifies(signer, await signedJws(signer))).toBe(true);
  });

  test('a disabled key is refused as temporarily unavailable, not signed', async () => {
    const { arn } = kms.createKey('RSA_2048');
    const signer = await KmsSigner.create({ kms: kms.client(), keyId: arn });
    kms.disableKey(arn);
    await expect(signedJws(signer)).rejects.toMatchObject({ code: 'temporarily_unavailable', status: 503 });
  });
});

describe('key ring with the kms signer', () => {
  const config = (keyId: string) =>
    loadConfig({ PORTCULLIS_SIGNER: 'kms', PORTCULLIS_KMS_KEY_ID: keyId, PORTCULLIS_TABLE: ddb.tableName, PORTCULLIS_ISSUER: 'http://localhost:3000' });

  test('keys init registers the configured key once (race-safe); the rings sign through KMS and publish it in the JWKS', async () => {
    const { arn } = kms.createKey('RSA_2048', { alias: ALIAS });
    const keyStore = new DynamoKeyStore(ddb.table);
    const client = kms.client();
    const inits = await Promise.all([1, 2, 3].map(() => initKeys(config(ALIAS), { keyStore, clock, kms: client })));
    expect(new Set(inits.map((i) => i.record.kid)).size).toBe(1);
    const records = await keyStore.list();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ source: 'kms', ref: arn, alg: 'RS256', state: 'active' });
    const rings = [1, 2, 3].map(() => createKeyRing(config(ALIAS), { keyStore, clock, kms: client }));
    const signers = await Promise.all(rings.map((r) => r.activeSigner()));
    expect(new Set(signers.map((s) => s.kid))).toEqual(new Set([records[0].kid]));

    const jwks = await rings[0].jwks();
    expect(jwks.keys.map((k) => k.kid)).toEqual([signers[0].kid]);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    const token = await signedJws(signers[1]);
    const { protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), { algorithms: ['RS256'] });
    expect(protectedHeader.kid).toBe(signers[0].kid);

    // The token path does no KMS call but Sign, and no GetPublicKey per token.
    const gets = kms.calls.GetPublicKey;
    for (let i = 0; i < 3; i++) await signedJws(await rings[2].activeSigner());
    expect(kms.calls.GetPublicKey).toBe(gets);
  });

  test('KMS down at keys init → it fails and registers nothing; the ring answers temporarily_unavailable (no key)', async () => {
    const other = await startDynalite({ clock, tableName: 'kms-down' });
    try {
      kms.fail('500');
      const keyStore = new DynamoKeyStore(other.table);
      await expect(initKeys(config(ALIAS), { keyStore, clock, kms: kms.client() })).rejects.toMatchObject({ code: 'temporarily_unavailable' });
      expect(await keyStore.list()).toEqual([]);
      const ring = createKeyRing(config(ALIAS), { keyStore, clock, kms: kms.client() });
      await expect(ring.activeSigner()).rejects.toMatchObject({ code: 'temporarily_unavailable', reason: 'no_signing_key' });
    } finally {
      await other.close();
    }
  });
});
