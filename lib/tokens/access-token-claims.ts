/**
 * RFC 9068 JWT access tokens: the claims the token endpoint issues, and the rules a verifier applies
 * to them (lib/jose/precheck.ts expectations): `typ: at+jwt`, our own algorithms, every required claim
 * with its type, exactly our issuer, exactly the expected audience.
 */
import { OWN_TOKEN_ALGS } from '../jose/algs';
import type { JwtExpectations } from '../jose/precheck';
import { nonEmptyString } from '../jose/segments';

/** RFC 9068 §2.2 access token claims, as the token endpoint issues them and the authorizer checks them. */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  client_id: string;
  /** Space-delimited. */
  scope: string;
  /** Epoch seconds. */
  iat: number;
  exp: number;
  nbf?: number;
  jti: string;
  /** The grant it came from (code exchange / refresh family): its public id, lib/refresh/grant-id.ts. */
  gid?: string;
  /** The sign-in session it was issued in (user tokens). */
  sid?: string;
}

/** What a verifier of access tokens expects (the authorizer, revocation, introspection, explain). */
export interface Expectations {
  issuer: string;
  audience: string;
  clockSkewSeconds: number;
}

/** `typ` is a media type: case-insensitive, `application/` prefix optional (RFC 7515 §4.1.9, RFC 9068 §4). */
export function isAtJwt(typ: unknown): boolean {
  if (typeof typ !== 'string') return false;
  const t = typ.toLowerCase();
  return t === 'at+jwt' || t === 'application/at+jwt';
}

/** RFC 9068 §2.2: the claims every access token carries, with their types. */
export const hasAccessTokenClaims = (p: Record<string, unknown>): boolean =>
  nonEmptyString(p.sub) && nonEmptyString(p.client_id) && nonEmptyString(p.jti) && typeof p.scope === 'string' && p.aud !== undefined;

export function accessTokenExpectations(e: Expectations): JwtExpectations<AccessTokenClaims> {
  return {
    algs: OWN_TOKEN_ALGS,
    typ: isAtJwt,
    claims: hasAccessTokenClaims,
    issuer: e.issuer,
    audience: (aud) => aud === e.audience,
    clockSkewSeconds: e.clockSkewSeconds,
  };
}
