/** Public JWKs from node:crypto key objects, and the RFC 7638 thumbprint used as `kid`. */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import type { SigningAlg } from '../config/types';

/** A public signing key as published in the JWKS. */
export interface PublicJwk {
  kty: 'RSA' | 'EC';
  kid: string;
  alg: SigningAlg;
  use: 'sig';
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
}

/** The signing algorithm a key supports: RSA ≥ 2048 bits → RS256, P-256 → ES256; anything else is refused. */
export function algForKey(key: KeyObject): SigningAlg {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa') {
    if ((details?.modulusLength ?? 0) < 2048) throw new Error('RSA signing keys must have at least 2048 bits');
    return 'RS256';
  }
  if (key.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1') return 'ES256';
  throw new Error(`unsupported signing key type ${key.asymmetricKeyType}${details?.namedCurve ? ` (${details.namedCurve})` : ''}`);
}

/** RFC 7638 JWK thumbprint: SHA-256 over the required members in lexicographic order, base64url. */
export function jwkThumbprint(jwk: { kty: string; n?: string; e?: string; crv?: string; x?: string; y?: string }): string {
  let canonical: string;
  if (jwk.kty === 'RSA') canonical = JSON.stringify({ e: jwk.e, kty: 'RSA', n: jwk.n });
  else if (jwk.kty === 'EC') canonical = JSON.stringify({ crv: jwk.crv, kty: 'EC', x: jwk.x, y: jwk.y });
  else throw new Error(`unsupported JWK key type ${jwk.kty}`);
  return createHash('sha256').update(canonical, 'utf8').digest('base64url');
}

/** The JWKS entry of a key (private or public key object; only public members are exported). */
export function publicJwkOf(key: KeyObject): PublicJwk {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const alg = algForKey(publicKey);
  const raw = publicKey.export({ format: 'jwk' }) as { kty: string; n?: string; e?: string; crv?: string; x?: string; y?: string };
  const members =
    raw.kty === 'RSA' ? { kty: 'RSA' as const, n: raw.n, e: raw.e } : { kty: 'EC' as const, crv: raw.crv, x: raw.x, y: raw.y };
  return { ...members, kid: jwkThumbprint(raw), alg, use: 'sig' };
}
