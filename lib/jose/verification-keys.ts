/**
 * The keys a verifier trusts, by kid, checked with node:crypto `verify` against a KeyObject imported once per key.
 * Only the signature is checked here: the caller has already checked the header and the claims (precheck.ts), so
 * nothing is checked twice. One algorithm per key (RFC 8725 §3.1): a token whose `alg` is not its key's is refused.
 */
import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

export type SignatureFailure = 'unknown_kid' | 'alg_mismatch' | 'bad_signature';

interface Entry {
  jwk: { kid: string; alg: string } & Record<string, string>;
  key?: KeyObject;
}

export class VerificationKeys {
  private readonly byKid = new Map<string, Entry>();

  /** `keys`: normalized JWKs (lib/jose/jwks.ts), each with its kid and alg. */
  constructor(keys: readonly ({ kid?: string; alg?: string } & Record<string, unknown>)[]) {
    for (const jwk of keys) {
      if (typeof jwk.kid === 'string' && typeof jwk.alg === 'string') this.byKid.set(jwk.kid, { jwk: jwk as Entry['jwk'] });
    }
  }

  /** undefined when `signature` is `alg`'s signature of `signingInput` by the key `kid`. */
  verify(alg: string, kid: string, signingInput: Buffer, signature: Buffer): SignatureFailure | undefined {
    const entry = this.byKid.get(kid);
    if (!entry) return 'unknown_kid';
    if (entry.jwk.alg !== alg) return 'alg_mismatch';
    let key = entry.key;
    if (!key) {
      try {
        key = entry.key = createPublicKey({ key: entry.jwk as JsonWebKey, format: 'jwk' });
      } catch {
        return 'unknown_kid'; // a published key that cannot be imported verifies nothing
      }
    }
    try {
      return verify('sha256', signingInput, alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key, signature) ? undefined : 'bad_signature';
    } catch {
      return 'bad_signature';
    }
  }
}
