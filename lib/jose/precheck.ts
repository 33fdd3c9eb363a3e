/**
 * Every check that needs no key, done before the signature (RFC 8725 §3.1, §3.10, §3.11, §3.12): shape,
 * algorithm allowlist, explicit type, forbidden headers, then what each kind of token requires (claims
 * and their types, `iss`, `aud`) and time. Each token kind brings its own expectations (distinct
 * validation rules for distinct token kinds): access tokens in lib/tokens/access-token-claims.ts.
 * A rejection here never costs a signature verification; an acceptance still needs one.
 */
import type { DecomposedJwt } from 'aws-jwt-verify/jwt';
import type { JwtHeader, JwtPayload } from 'aws-jwt-verify/jwt-model';
import { ES256_SIGNATURE_CHARS } from './algs';
import type { TokenReason } from './reasons';
import { B64URL, hasOwn, isCanonicalB64url, MAX_KID_CHARS, MAX_TOKEN_CHARS, nonEmptyString, parseJson, splitCompact } from './segments';

/** The time claims every kind of token carries (epoch seconds). */
export interface TimedClaims {
  iss: string;
  exp: number;
  /** Required unless the expectations say `iatOptional`. */
  iat?: number;
  nbf?: number;
}

/** What one kind of token must look like. */
export interface JwtExpectations<C extends TimedClaims> {
  /** Algorithms accepted in the header (RFC 8725 §3.1). */
  algs: ReadonlySet<string>;
  /** The `typ` header rule (RFC 8725 §3.11). */
  typ: (typ: unknown) => boolean;
  /** Claim presence and types; true when the payload is a C. */
  claims: (payload: Record<string, unknown>) => boolean;
  issuer: string;
  audience: (aud: unknown, claims: C) => boolean;
  clockSkewSeconds: number;
  /** A token without a `kid` header is accepted (a client assertion: its verifier picks the key). Default: required. */
  kidOptional?: boolean;
  /** A token without `iat` is accepted (RFC 7523 §3: optional in a client assertion). Default: required. */
  iatOptional?: boolean;
}

export interface Prechecked<C> {
  decomposed: DecomposedJwt;
  claims: C;
}

/** Headers that point at keys or demand extensions: never honoured, so refused (RFC 8725 §3.10). */
export const FORBIDDEN_HEADERS = ['jku', 'x5u', 'jwk', 'x5c', 'crit'] as const;

/** A parsed header, and what its kind-independent checks (forbidden headers, kid) found. */
type HeaderCheck = { header: Readonly<Record<string, unknown>>; structural?: TokenReason; noKid?: boolean } | TokenReason;

/**
 * Tokens of one key share one header, so the kind-independent header checks are memoized by its base64url
 * text (bounded). Payload characters are not re-validated: the signature covers their exact text, and only the
 * signer can sign, so lenient base64 decoding cannot change what a valid token says. The signature itself is
 * not covered by anything, so it must be canonical base64url (isCanonicalB64url).
 */
const headerMemo = new Map<string, HeaderCheck>();
const HEADER_MEMO_MAX = 256;

function checkHeader(headerB64: string): HeaderCheck {
  let r = headerMemo.get(headerB64);
  if (r !== undefined) return r;
  r = checkHeaderUncached(headerB64);
  if (headerMemo.size >= HEADER_MEMO_MAX) headerMemo.clear();
  headerMemo.set(headerB64, r);
  return r;
}

function checkHeaderUncached(headerB64: string): HeaderCheck {
  if (!B64URL.test(headerB64)) return 'malformed';
  const header = parseJson(headerB64);
  if (!header) return 'malformed';
  let structural: TokenReason | undefined;
  if (FORBIDDEN_HEADERS.some((name) => hasOwn(header, name))) structural = 'forbidden_header';
  else if (!nonEmptyString(header.kid) || header.kid.length > MAX_KID_CHARS) structural = 'malformed';
  return { header: Object.freeze(header), structural, noKid: header.kid === undefined };
}

export function precheck<C extends TimedClaims>(token: string, expect: JwtExpectations<C>, nowSeconds: number): Prechecked<C> | TokenReason {
  if (token.length > MAX_TOKEN_CHARS) return 'malformed';
  const parts = splitCompact(token);
  if (!parts) return 'malformed';
  const [headerB64, payloadB64, signatureB64] = parts;

  const h = checkHeader(headerB64);
  if (typeof h === 'string') return h;
  // In this order: alg, typ (per kind of token), then forbidden headers and kid.
  if (typeof h.header.alg !== 'string' || !expect.algs.has(h.header.alg)) return 'unsupported_alg';
  if (!expect.typ(h.header.typ)) return 'wrong_typ';
  if (h.structural && !(h.structural === 'malformed' && h.noKid && expect.kidOptional)) return h.structural;
  if (!isCanonicalB64url(signatureB64)) return 'malformed';
  if (h.header.alg === 'ES256' && signatureB64.length !== ES256_SIGNATURE_CHARS) return 'bad_signature';

  const p = parseJson(payloadB64);
  if (!p) return 'malformed';
  if (!expect.claims(p) || !nonEmptyString(p.iss) || !Number.isSafeInteger(p.exp) || !(Number.isSafeInteger(p.iat) || (expect.iatOptional && p.iat === undefined)) || (p.nbf !== undefined && !Number.isSafeInteger(p.nbf))) {
    return 'missing_claim';
  }
  const claims = p as unknown as C;
  if (claims.iss !== expect.issuer) return 'wrong_issuer';
  if (!expect.audience(p.aud, claims)) return 'wrong_audience';
  const skew = expect.clockSkewSeconds;
  if (isExpired(claims.exp, skew, nowSeconds)) return 'expired';
  if (claims.nbf !== undefined && claims.nbf - skew > nowSeconds) return 'not_yet_valid';
  if (claims.iat !== undefined && claims.iat - skew > nowSeconds) return 'iat_in_future';

  return {
    decomposed: { header: h.header as JwtHeader, headerB64, payload: p as JwtPayload, payloadB64, signatureB64 },
    claims,
  };
}

/** The one expiry rule, shared by fresh verification and the verified-token cache. */
export const isExpired = (exp: number, skewSeconds: number, nowSeconds: number): boolean => nowSeconds >= exp + skewSeconds;
