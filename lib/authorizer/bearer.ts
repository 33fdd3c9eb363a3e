/**
 * `Authorization: Bearer <token>` (RFC 6750 §2.1): scheme case-insensitive, one or more spaces, then the token.
 * Anything else is `malformed`; no header (or an empty one) is `missing`. The token's characters are checked
 * by the JWT parser (a JWT is base64url segments joined by dots), so no regex runs over it here.
 */
import { MAX_TOKEN_CHARS } from '../jose/segments';

export type BearerResult = { token: string; reason?: undefined } | { token?: undefined; reason: 'missing' | 'malformed' };

const SPACE = 32;

export function extractBearer(header: string | undefined | null): BearerResult {
  if (typeof header !== 'string') return { reason: 'missing' };
  let end = header.length;
  while (end > 0 && header.charCodeAt(end - 1) === SPACE) end--;
  if (end === 0) return { reason: 'missing' };
  if (end > MAX_TOKEN_CHARS + 16 || end < 8 || header.charCodeAt(6) !== SPACE) return { reason: 'malformed' };
  // "bearer" in any case: OR-ing 0x20 lower-cases ASCII letters
  for (let i = 0; i < 6; i++) if ((header.charCodeAt(i) | 0x20) !== 'bearer'.charCodeAt(i)) return { reason: 'malformed' };
  let start = 7;
  while (start < end && header.charCodeAt(start) === SPACE) start++;
  if (start === end) return { reason: 'malformed' };
  return { token: start === 7 && end === header.length ? header.slice(7) : header.slice(start, end) };
}
