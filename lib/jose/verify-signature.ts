/** RS256 / ES256 JWS signature check with node:crypto, against one of our published JWKs. */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/** Keys by kid: the kid is the key's RFC 7638 thumbprint, so one kid is one key. */
const keys = new Map<string, KeyObject>();

export function verifyJwsSignature(jwk: { kid: string; alg?: string }, signingInput: string, signatureB64: string): boolean {
  try {
    let key = keys.get(jwk.kid);
    if (!key) {
      key = createPublicKey({ key: { ...jwk } as never, format: 'jwk' });
      keys.set(jwk.kid, key);
    }
    return verify('sha256', Buffer.from(signingInput, 'ascii'), jwk.alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key, Buffer.from(signatureB64, 'base64url'));
  } catch {
    return false;
  }
}
