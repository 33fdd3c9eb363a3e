import type { SigningAlg } from '../config/types';
import type { PublicJwk } from '../jose/jwk';

export type { PublicJwk };

/**
 * Signs JWS signing inputs (`base64url(header).base64url(payload)`) with one key.
 * The file signer keeps a PEM under a 0600 file; the KMS signer never sees the private key.
 */
export interface Signer {
  readonly kid: string;
  readonly alg: SigningAlg;
  /** Returns the JOSE signature bytes (RSASSA-PKCS1-v1_5, or ECDSA r||s for ES256). */
  sign(signingInput: Buffer): Promise<Buffer>;
  publicJwk(): Promise<PublicJwk>;
}
