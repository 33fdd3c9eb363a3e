/**
 * Every check that needs no key, done before the signature (RFC 8725 §3.1, §3.10, §3.11; RFC 9068 §4):
 * shape, algorithm allowlist, `typ`, forbidden headers, claim presence and types, `iss`, `aud`, and time.
 * A rejection here never costs a signature verification; an acceptance still needs one.
 */
import type { DecomposedJwt } from 'aws-jwt-verify/jwt';
import type { JwtHeader, JwtPayload } from 'aws-jwt-verify/jwt-model';
import { MAX_TOKEN_CHARS } from '../authorizer/bearer';
import type { TokenReason } from '../authorizer/reasons';
import type { AccessTokenClaims } from '../tokens/access-token-claims';

export type { AccessTokenClaims } from '../tokens/access-token-claims';

export interface Expectations {
  issuer: string;
  audience: string;
  clockSkewSeconds: number;
}

export interface Prechecked {
  decomposed: DecomposedJwt;
  claims: AccessTokenClaims;
}

/** Never RSA-PSS, HMAC, EdDSA or `none`: exactly what the token endpoint signs with. */
export const ALLOWED_ALGS: ReadonlySet<string> = new Set(['RS256', 'ES256']);
/** Headers that point at keys or demand extensions: never honoured, so refused (RFC 8725 §3.10). */
export const FORBIDDEN_HEADERS = ['jku', 'x5u', 'jwk', 'x5c', 'crit'] as const;
export const B64URL = /^[A-Za-z0-9_-]+$/;
const B64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
export const MAX_KID_CHARS = 256;

export const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
export const nonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** A JWS segment as a JSON object, or undefined. */
export function parseJson(b64: string): Record<string, unknown> | undefined {
  try {
    // Plain JSON.parse: a "__proto__" key becomes an own property, and claims are only ever read.
    const v: unknown = JSON.parse(Buffer.from(b64, 'base64url').toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Canonical unpadded base64url (RFC 7515 §2): the alphabet only, a possible length, and zero unused bits in the
 * last character. Node's decoder ignores padding, stray characters and those bits, so without this one signed
 * token would have many spellings that all verify (each a fresh verified-token cache entry).
 */
export function isCanonicalB64url(s: string): boolean {
  const rest = s.length % 4;
  if (rest === 1 || !B64URL.test(s)) return false;
  if (rest === 0) return true;
  return (B64URL_ALPHABET.indexOf(s[s.length - 1]) & (rest === 2 ? 0x0f : 0x03)) === 0;
}

type HeaderCheck = { header: Record<string, unknown> } | TokenReason;

/**
 * Tokens of one key share one header, so header checks are memoized by its base64url text (bounded).
 * Payload characters are not re-validated: the signature covers their exact text, and only the issuer
 * can sign, so lenient base64 decoding cannot change what a valid token says. The signature itself is
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
  if (typeof header.alg !== 'string' || !ALLOWED_ALGS.has(header.alg)) return 'unsupported_alg';
  if (!isAtJwt(header.typ)) return 'wrong_typ';
  for (const name of FORBIDDEN_HEADERS) if (hasOwn(header, name)) return 'forbidden_header';
  if (!nonEmptyString(header.kid) || header.kid.length > MAX_KID_CHARS) return 'malformed';
  return { header: Object.freeze(header) };
}

/** `typ` is a media type: case-insensitive, `application/` prefix optional (RFC 7515 §4.1.9, RFC 9068 §4). */
export function isAtJwt(typ: unknown): boolean {
  if (typeof typ !== 'string') return false;
  const t = typ.toLowerCase();
  return t === 'at+jwt' || t === 'application/at+jwt';
}

export function precheck(token: string, expect: Expectations, nowSeconds: number): Prechecked | TokenReason {
  if (token.length > MAX_TOKEN_CHARS) return 'malformed';
  const dot1 = token.indexOf('.');
  const dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
  if (dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0) return 'malformed';
  const headerB64 = token.slice(0, dot1);
  const payloadB64 = token.slice(dot1 + 1, dot2);
  const signatureB64 = token.slice(dot2 + 1);

  const h = checkHeader(headerB64);
  if (typeof h === 'string') return h;
  if (!isCanonicalB64url(signatureB64)) return 'malformed';
  // ES256 (JWS, RFC 7518 §3.4): r || s, 64 bytes = 86 base64url characters. Anything else cannot verify.
  if (h.header.alg === 'ES256' && signatureB64.length !== 86) return 'bad_signature';

  const p = parseJson(payloadB64);
  if (!p) return 'malformed';
  if (
    !nonEmptyString(p.iss) ||
    !nonEmptyString(p.sub) ||
    !nonEmptyString(p.client_id) ||
    !nonEmptyString(p.jti) ||
    typeof p.scope !== 'string' ||
    p.aud === undefined ||
    !Number.isSafeInteger(p.exp) ||
    !Number.isSafeInteger(p.iat) ||
    (p.nbf !== undefined && !Number.isSafeInteger(p.nbf))
  ) {
    return 'missing_claim';
  }
  if (p.iss !== expect.issuer) return 'wrong_issuer';
  if (p.aud !== expect.audience) return 'wrong_audience';
  const claims = p as unknown as AccessTokenClaims;
  const skew = expect.clockSkewSeconds;
  if (isExpired(claims.exp, skew, nowSeconds)) return 'expired';
  if (claims.nbf !== undefined && claims.nbf - skew > nowSeconds) return 'not_yet_valid';
  if (claims.iat - skew > nowSeconds) return 'iat_in_future';

  return {
    decomposed: { header: h.header as JwtHeader, headerB64, payload: p as JwtPayload, payloadB64, signatureB64 },
    claims,
  };
}

/** The one expiry rule, shared by fresh verification and the verified-token cache. */
export const isExpired = (exp: number, skewSeconds: number, nowSeconds: number): boolean => nowSeconds >= exp + skewSeconds;
