/**
 * The local signer: a PEM private key under config.signer.keyDir, signed with node:crypto
 * directly (no JOSE library on the hot path). The KeyObject is parsed once and kept.
 */
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { SigningAlg } from '../config/types';
import { publicJwkOf } from '../jose/jwk';
import type { PublicJwk, Signer } from './signer';

/** A key file name under the key directory: no path separators, no dot-files. */
export function assertKeyFileName(ref: string): void {
  if (!ref || ref !== basename(ref) || ref.startsWith('.') || ref.includes('\\')) throw new Error(`invalid key file name "${ref}"`);
}

export class FileSigner implements Signer {
  readonly kid: string;
  readonly alg: SigningAlg;
  private readonly jwk: PublicJwk;
  private readonly options: KeyObject | { key: KeyObject; dsaEncoding: 'ieee-p1363' };

  constructor(privateKey: KeyObject) {
    if (privateKey.type !== 'private') throw new Error('FileSigner needs a private key');
    this.jwk = publicJwkOf(privateKey);
    this.kid = this.jwk.kid;
    this.alg = this.jwk.alg;
    // RS256: RSASSA-PKCS1-v1_5 with SHA-256 (node's default RSA padding). ES256: r||s, not DER.
    this.options = this.alg === 'ES256' ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey;
  }

  /** Reads `<keyDir>/<ref>` (PEM, PKCS#8 or traditional). */
  static fromFile(keyDir: string, ref: string): FileSigner {
    assertKeyFileName(ref);
    return new FileSigner(createPrivateKey(readFileSync(join(keyDir, ref))));
  }

  async sign(signingInput: Buffer): Promise<Buffer> {
    return sign('sha256', signingInput, this.options);
  }

  /** Synchronous variant for callers that want to skip a promise. */
  signSync(signingInput: Buffer): Buffer {
    return sign('sha256', signingInput, this.options);
  }

  async publicJwk(): Promise<PublicJwk> {
    return { ...this.jwk };
  }
}
