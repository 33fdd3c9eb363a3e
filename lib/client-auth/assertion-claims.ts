/**
 * Client assertions (RFC 7523 §3, OIDC Core §9): the claims a `private_key_jwt` client signs, and the rules the
 * jose layer's precheck (lib/jose/precheck.ts) applies to them — a kind of JWT of its own, with its own
 * expectations, never accepted where an access token is expected (and the other way round: `typ`).
 */
import { CLIENT_ASSERTION_ALGS } from '../jose/algs';
import type { JwtExpectations } from '../jose/precheck';
import { nonEmptyString } from '../jose/segments';

export interface ClientAssertionClaims {
  /** The client id. */
  iss: string;
  /** The client id, again. */
  sub: string;
  /** This server: its issuer identifier or its token endpoint URL. */
  aud: string;
  /** Epoch seconds. */
  exp: number;
  iat?: number;
  nbf?: number;
  /** Single use: remembered until exp + skew. */
  jti: string;
}

/** A jti longer than this is refused (it is stored only as a hash, but there is no reason to accept essays). */
export const MAX_JTI_CHARS = 256;

/**
 * `typ` is optional in a client assertion; when present it must say "a JWT" (`JWT`) or "a client assertion"
 * (`client-authentication+jwt`, draft-ietf-oauth-rfc7523bis), never another kind such as `at+jwt`.
 */
export function isAssertionTyp(typ: unknown): boolean {
  if (typ === undefined) return true;
  if (typeof typ !== 'string') return false;
  const t = typ.toLowerCase().replace(/^application\//, '');
  return t === 'jwt' || t === 'client-authentication+jwt';
}

const hasAssertionClaims = (p: Record<string, unknown>): boolean =>
  nonEmptyString(p.sub) && nonEmptyString(p.jti) && p.jti.length <= MAX_JTI_CHARS && p.aud !== undefined;

export interface AssertionAudience {
  /** The issuer identifier (RFC 8414 `issuer`). */
  issuer: string;
  /** The token endpoint URL (RFC 8414 `token_endpoint`). */
  tokenEndpoint: string;
}

/**
 * What an assertion of `clientId` must look like: an allowed asymmetric algorithm, `iss` = the client id, `aud`
 * exactly one string naming this server (the issuer or the token endpoint URL; a list is refused, so an assertion
 * made for another server that happens to list this one too is not replayable here), the time claims within the
 * skew. `kid` and `iat` may be absent.
 */
export function clientAssertionExpectations(clientId: string, audience: AssertionAudience, clockSkewSeconds: number): JwtExpectations<ClientAssertionClaims> {
  return {
    algs: CLIENT_ASSERTION_ALGS,
    typ: isAssertionTyp,
    claims: hasAssertionClaims,
    issuer: clientId,
    audience: (aud) => typeof aud === 'string' && (aud === audience.issuer || aud === audience.tokenEndpoint),
    clockSkewSeconds,
    kidOptional: true,
    iatOptional: true,
  };
}
