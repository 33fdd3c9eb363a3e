/** The pieces of a JWS compact serialization (RFC 7515 §7.1), decoded without trusting anything. */

/** Longer than any token portcullis issues or accepts: refused before any parsing work. */
export const MAX_TOKEN_CHARS = 8192;
export const MAX_KID_CHARS = 256;
export const B64URL = /^[A-Za-z0-9_-]+$/;
const B64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

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

/** The three segments, or undefined when there are not exactly three. */
export function splitCompact(token: string): [string, string, string] | undefined {
  const dot1 = token.indexOf('.');
  const dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
  if (dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0) return undefined;
  return [token.slice(0, dot1), token.slice(dot1 + 1, dot2), token.slice(dot2 + 1)];
}
