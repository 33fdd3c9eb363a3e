/** A signing key as the key store keeps it (the private key is never in the record). */
import type { SigningAlg } from '../config/types';
import type { PublicJwk } from '../jose/jwk';

export type KeyState = 'next' | 'active' | 'previous' | 'retired';

export interface KeyRecord {
  kid: string;
  alg: SigningAlg;
  /** Where the private key lives. */
  source: 'file' | 'kms';
  /** file: file name under the key directory; kms: key id or ARN. */
  ref: string;
  publicJwk: PublicJwk;
  state: KeyState;
  /** Epoch seconds. */
  createdAt: number;
  activatedAt?: number;
  deactivatedAt?: number;
  retiredAt?: number;
}
