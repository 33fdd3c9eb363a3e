/**
 * Verifies an access token this server issued, against its own published keys (no HTTP fetch):
 * for the revocation and introspection endpoints, whichever of its audiences (RFC 8707 resources) it names. The same structural and claim checks as the
 * authorizer (lib/jose/precheck.ts with the access-token expectations), then the signature with node:crypto.
 *
 * The time checks use the clock skew the caller passes. Introspection passes 0: the server judges its own
 * tokens by its own clock, so a token is inactive from `exp` on (RFC 7662 §2.2). Revocation passes the
 * authorizer's skew: a token the gateway may still accept must still be revocable.
 */
import type { Clock } from '../core/clock';
import { epochSeconds } from '../core/clock';
import type { Config } from '../config/types';
import { precheck, type JwtExpectations } from '../jose/precheck';
import { accessTokenExpectations, type AccessTokenClaims } from './access-token-claims';
import type { TokenReason } from '../jose/reasons';
import type { KeyRing } from '../keys/key-ring';
import { verifyJwsSignature } from '../jose/verify-signature';
import { issuedAudiences } from '../oauth/resources';

export type OwnTokenResult = { claims: AccessTokenClaims; reason?: undefined } | { claims?: undefined; reason: TokenReason };

export async function verifyOwnToken(
  token: string,
  deps: { config: Config; keyRing: KeyRing; clock: Clock; clockSkewSeconds: number },
): Promise<OwnTokenResult> {
  const { config } = deps;
  // Any audience this server issues for (the default one, every declared resource): they are all its own tokens.
  const audiences = issuedAudiences(config);
  const expect: JwtExpectations<AccessTokenClaims> = {
    ...accessTokenExpectations({ issuer: config.issuer, audience: config.audience, clockSkewSeconds: deps.clockSkewSeconds }),
    audience: (aud) => typeof aud === 'string' && audiences.has(aud),
  };
  const checked = precheck(token, expect, epochSeconds(deps.clock));
  if (typeof checked === 'string') return { reason: checked };
  const { header, headerB64, payloadB64, signatureB64 } = checked.decomposed;
  const jwk = (await deps.keyRing.jwks()).keys.find((k) => k.kid === header.kid);
  if (!jwk) return { reason: 'unknown_kid' };
  if (jwk.alg !== header.alg) return { reason: 'alg_mismatch' };
  const ok = verifyJwsSignature(jwk, `${headerB64}.${payloadB64}`, signatureB64);
  return ok ? { claims: checked.claims } : { reason: 'bad_signature' };
}
