/**
 * JWS signature checks with node:crypto: RS256 / ES256 against one of our published JWKs, and RS256 / PS256 /
 * ES256 / EdDSA against a key object a caller already imported (a client's key, lib/jose/public-keys.ts).
 */
import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';

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

/**
 * The signature of `alg` over the signing input with `key`, which the caller has bound to `alg` (the key type is
 * checked again here: an RSA key never verifies an EdDSA signature, an EC key only ES256 on P-256).
 * RS256: RSASSA-PKCS1-v1_5 SHA-256; PS256: RSASSA-PSS SHA-256, MGF1 SHA-256, 32-byte salt (RFC 7518 §3.5);
 * ES256: P-256 r||s, exactly 64 bytes (RFC 7518 §3.4); EdDSA: Ed25519 or Ed448 (RFC 8037). Anything else: false.
 */
export function verifyJwsWithKey(key: KeyObject, alg: string, signingInput: string, signatureB64: string): boolean {
  try {
    const data = Buffer.from(signingInput, 'ascii');
    const signature = Buffer.from(signatureB64, 'base64url');
    const type = key.asymmetricKeyType;
    switch (alg) {
      case 'RS256':
        return type === 'rsa' && verify('sha256', data, key, signature);
      case 'PS256':
        return type === 'rsa' && verify('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
      case 'ES256':
        return type === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1' && signature.length === 64 && verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
      case 'EdDSA':
        return (type === 'ed25519' || type === 'ed448') && verify(null, data, key, signature);
      default:
        return false;
    }
  } catch {
    return false;
  }
}
