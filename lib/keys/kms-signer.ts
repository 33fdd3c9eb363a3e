/**
 * The deployed signer: the private key never leaves AWS KMS. One `Sign` call per token, in
 * digest mode (SHA-256 computed here, so the message size never matters); ECDSA signatures come
 * back as DER and are converted to JOSE r||s. The public key comes from `GetPublicKey` once.
 * Any KMS failure becomes 503 temporarily_unavailable (the token endpoint's mapping).
 */
import { createHash, createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, SignCommand, type KMSClient, type SigningAlgorithmSpec } from '@aws-sdk/client-kms';
import type { SigningAlg } from '../config/types';
import { OAuthError, temporarilyUnavailable } from '../core/errors';
import { derToJose } from '../jose/der-to-jose';
import { publicJwkOf } from '../jose/jwk';
import type { PublicJwk, Signer } from './signer';

export const KMS_SIGNING_ALGORITHM: Record<SigningAlg, SigningAlgorithmSpec> = {
  RS256: 'RSASSA_PKCS1_V1_5_SHA_256',
  ES256: 'ECDSA_SHA_256',
};

/** The KMS KeySpec a rotation creates for each algorithm. */
export const KMS_KEY_SPEC: Record<SigningAlg, 'RSA_2048' | 'ECC_NIST_P256'> = {
  RS256: 'RSA_2048',
  ES256: 'ECC_NIST_P256',
};

export interface KmsPublicKey {
  /** The key ARN KMS reports (stable even when the signer was addressed by alias). */
  keyArn: string;
  jwk: PublicJwk;
}

/** GetPublicKey → JWK (DER SubjectPublicKeyInfo parsed by node:crypto). */
export async function fetchKmsPublicKey(kms: KMSClient, keyId: string): Promise<KmsPublicKey> {
  let out;
  try {
    out = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
  } catch (err) {
    throw temporarilyUnavailable(err);
  }
  if (!out.PublicKey) throw new Error(`KMS returned no public key for ${keyId}`);
  if (out.KeyUsage && out.KeyUsage !== 'SIGN_VERIFY') throw new Error(`KMS key ${keyId} is not a SIGN_VERIFY key`);
  const jwk = publicJwkOf(createPublicKey({ key: Buffer.from(out.PublicKey), format: 'der', type: 'spki' }));
  return { keyArn: out.KeyId ?? keyId, jwk };
}

export interface KmsSignerOptions {
  kms: KMSClient;
  /** Key id, key ARN, alias name or alias ARN. */
  keyId: string;
  /** When known (from the key store), the signer needs no GetPublicKey call for kid/alg. */
  publicJwk?: PublicJwk;
}

export class KmsSigner implements Signer {
  private readonly kms: KMSClient;
  private readonly keyId: string;
  private jwk: PublicJwk;
  private pending?: Promise<PublicJwk>;

  private constructor(opts: KmsSignerOptions, jwk: PublicJwk) {
    this.kms = opts.kms;
    this.keyId = opts.keyId;
    this.jwk = jwk;
  }

  /** A signer whose kid and alg are known already (the key ring's case: no KMS call). */
  static withPublicJwk(opts: KmsSignerOptions & { publicJwk: PublicJwk }): KmsSigner {
    return new KmsSigner(opts, opts.publicJwk);
  }

  /** Fetches the public key once (GetPublicKey) to learn kid and alg. */
  static async create(opts: KmsSignerOptions): Promise<KmsSigner> {
    if (opts.publicJwk) return KmsSigner.withPublicJwk({ ...opts, publicJwk: opts.publicJwk });
    const { jwk } = await fetchKmsPublicKey(opts.kms, opts.keyId);
    const signer = new KmsSigner(opts, jwk);
    signer.pending = Promise.resolve(jwk);
    return signer;
  }

  get kid(): string {
    return this.jwk.kid;
  }

  get alg(): SigningAlg {
    return this.jwk.alg;
  }

  async sign(signingInput: Buffer): Promise<Buffer> {
    const digest = createHash('sha256').update(signingInput).digest();
    let signature: Uint8Array | undefined;
    try {
      const out = await this.kms.send(
        new SignCommand({
          KeyId: this.keyId,
          Message: digest,
          MessageType: 'DIGEST',
          SigningAlgorithm: KMS_SIGNING_ALGORITHM[this.alg],
        }),
      );
      signature = out.Signature;
    } catch (err) {
      throw err instanceof OAuthError ? err : temporarilyUnavailable(err);
    }
    if (!signature || signature.length === 0) throw temporarilyUnavailable(new Error('KMS returned no signature'));
    return this.alg === 'ES256' ? derToJose(signature, 32) : Buffer.from(signature);
  }

  /** The public key as GetPublicKey reports it, fetched once and cached (concurrent callers share one call). */
  async publicJwk(): Promise<PublicJwk> {
    if (!this.pending) {
      this.pending = fetchKmsPublicKey(this.kms, this.keyId).then(
        ({ jwk }) => {
          if (jwk.kid !== this.jwk.kid) throw new Error(`KMS key ${this.keyId} does not match its registered kid`);
          this.jwk = jwk;
          return jwk;
        },
        (err) => {
          this.pending = undefined; // retry on the next call
          throw err;
        },
      );
    }
    return { ...(await this.pending) };
  }
}
