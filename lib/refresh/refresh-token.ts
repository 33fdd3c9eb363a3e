/**
 * The refresh token's format: `<familyKey>.<sub>.<sid>.<secret>`, opaque to clients. The secret is 256 random bits;
 * only the SHA-256 of the whole token is stored. The leading parts name the family item and the records read with it
 * (the user, the session's revocation) so that a refresh is ONE BatchGetItem and ONE conditional UpdateItem.
 */
import { createHash, randomBytes } from 'node:crypto';

const PART = /^[A-Za-z0-9_-]{1,128}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

export interface ParsedRefreshToken {
  familyKey: string;
  sub: string;
  sid: string;
}

/** The parts of a refresh token, or undefined when it does not have the shape of one (a JWT has three parts). */
export function parseRefreshToken(token: string): ParsedRefreshToken | undefined {
  if (token.length > 512) return undefined;
  const parts = token.split('.');
  if (parts.length !== 4) return undefined;
  const [familyKey, sub, sid, secret] = parts;
  if (!PART.test(familyKey) || !PART.test(sub) || !PART.test(sid) || !SECRET.test(secret)) return undefined;
  return { familyKey, sub, sid };
}

export const newFamilyKey = (): string => randomBytes(16).toString('base64url');

export function newRefreshToken(p: ParsedRefreshToken): string {
  for (const v of [p.familyKey, p.sub, p.sid]) if (!PART.test(v)) throw new TypeError('refresh token parts are base64url');
  return `${p.familyKey}.${p.sub}.${p.sid}.${randomBytes(32).toString('base64url')}`;
}

/** What is stored of a token: SHA-256 of the whole token, base64url. */
export const hashRefreshToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('base64url');
