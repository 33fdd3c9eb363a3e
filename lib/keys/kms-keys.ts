/** KMS signing keys in the key store: registration of the stack's key (`keys init`) and creation by rotation. */
import { CreateKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { Config } from '../config/types';
import { type KeyStore, ConflictError } from '../stores/ports';
import { fetchKmsPublicKey, KMS_KEY_SPEC } from './kms-signer';
import type { KeyRecord, KeyState } from '../models/key';

/** Tag on every portcullis signing key; the function roles' IAM is conditioned on it. */
export const SIGNING_KEY_TAG = 'portcullis:signing-key';
export const signingKeyTagValue = (config: Config): string => `${config.service}-${config.stage}`;

/**
 * Registers an existing KMS key (config.signer.kmsKeyId: id, ARN or alias) as a key-store record.
 * Race-safe: a conditional create on the kid; a concurrent registration of the same key wins
 * and its record is returned.
 */
export async function registerKmsKey(
  kms: KMSClient,
  keyId: string,
  keyStore: KeyStore,
  opts: { state: KeyState; activatedAt: number; createdAt: number },
): Promise<KeyRecord> {
  const { keyArn, jwk } = await fetchKmsPublicKey(kms, keyId);
  const record: KeyRecord = {
    kid: jwk.kid,
    alg: jwk.alg,
    source: 'kms',
    ref: keyArn,
    publicJwk: jwk,
    state: opts.state,
    createdAt: opts.createdAt,
    activatedAt: opts.activatedAt,
  };
  try {
    await keyStore.create(record);
    return record;
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    const existing = await keyStore.get(record.kid);
    if (!existing) throw err;
    return existing;
  }
}

/** CreateKey (SIGN_VERIFY, RSA_2048 or ECC_NIST_P256, tagged), then registers it. */
export async function createKmsKey(
  config: Config,
  kms: KMSClient,
  keyStore: KeyStore,
  opts: { state: KeyState; activatedAt: number; createdAt: number },
): Promise<KeyRecord> {
  const out = await kms.send(
    new CreateKeyCommand({
      KeySpec: KMS_KEY_SPEC[config.signer.alg],
      KeyUsage: 'SIGN_VERIFY',
      Description: `${config.service} ${config.stage} access-token signing key`,
      Tags: [{ TagKey: SIGNING_KEY_TAG, TagValue: signingKeyTagValue(config) }],
    }),
  );
  const keyId = out.KeyMetadata?.Arn ?? out.KeyMetadata?.KeyId;
  if (!keyId) throw new Error('KMS CreateKey returned no key id');
  const record = await registerKmsKey(kms, keyId, keyStore, opts);
  if (record.alg !== config.signer.alg) throw new Error(`KMS created a ${record.alg} key, expected ${config.signer.alg}`);
  return record;
}
