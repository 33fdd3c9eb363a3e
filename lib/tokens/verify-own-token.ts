/**
 * Verifies an access token this server issued, against its own published keys (no HTTP fetch):
 * for the revocation and introspection endpoints. The same structural and claim checks as the
 * authorizer (lib/authorizer/jwt-structure.ts), then the signature with node:crypto.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { Clock } from '../clock';
import { epochSeconds } from '../clock';
import type { Config } from '../config/types';
import { precheck, type AccessTokenClaims } from '../authorizer/jwt-structure';
import type { TokenReason } from '../authorizer/reasons';
import type { KeyRing } from '../keys/key-ring';

export type OwnTokenResult = { claims: AccessTokenClaims; reason?: undefined } | { claims?: undefined; reason: TokenReason };

const keyCache = new Map<string, KeyObject>();

export async function verifyOwnToken(
  token: string,
  deps: { config: Config; keyRing: KeyRing; clock: Clock },
): Promise<OwnTokenResult> {
  const { config } = deps;
  const checked = precheck(token, { issuer: config.issuer, audience: config.audience, clockSkewSeconds: config.clockSkewSeconds }, epochSeconds(deps.clock));
  if (typeof checked === 'string') return { reason: checked };
  const { header, headerB64, payloadB64, signatureB64 } = checked.decomposed;
  const jwk = (await deps.keyRing.jwks()).keys.find((k) => k.kid === header.kid);
  if (!jwk) return { reason: 'unknown_kid' };
  if (jwk.alg !== header.alg) return { reason: 'alg_mismatch' };
  let key = keyCache.get(jwk.kid);
  if (!key) {
    key = createPublicKey({ key: { ...jwk }, format: 'jwk' });
    keyCache.set(jwk.kid, key);
  }
  const ok = verify(
    'sha256',
    Buffer.from(`${headerB64}.${payloadB64}`, 'ascii'),
    jwk.alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key,
    Buffer.from(signatureB64, 'base64url'),
  );
  return ok ? { claims: checked.claims } : { reason: 'bad_signature' };
}
