/**
 * The browser's cookies:
 *   session  `<sub>.<sid>.<secret>`: the user (so one BatchGetItem reads session and user together), the public
 *            session id, and 256 random bits of which the table keeps only the SHA-256. HttpOnly, SameSite=Lax,
 *            Path=/; on an https issuer `__Host-` and Secure (not on the local stack's plain http).
 *            Max-Age: the session's absolute lifetime.
 *   csrf     the login form's pre-session CSRF token (double submit: the form must carry the cookie's value). The
 *            login form has no session to bind to, and the `__Host-` prefix keeps another host from planting it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { serializeCookie } from '../http/cookies';

const PART = /^[A-Za-z0-9_-]{1,64}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

export interface SessionCookie {
  sub: string;
  sid: string;
  secret: string;
}

export interface CookieNames {
  session: string;
  csrf: string;
  /** Secure and `__Host-`: true on an https issuer. */
  secure: boolean;
}

export function cookieNames(issuer: string): CookieNames {
  const secure = issuer.startsWith('https://');
  const prefix = secure ? '__Host-' : '';
  return { session: `${prefix}portcullis-session`, csrf: `${prefix}portcullis-csrf`, secure };
}

export const newSessionSecret = () => randomBytes(32).toString('base64url');
export const newSessionId = () => randomBytes(16).toString('base64url');
/** 256 bits, like every other secret here (and long enough for the log scrubber to recognise as one). */
export const newCsrfToken = () => randomBytes(32).toString('base64url');

export const hashSessionSecret = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');

export const sessionCookieValue = (c: SessionCookie) => `${c.sub}.${c.sid}.${c.secret}`;

export function parseSessionCookie(value: string | undefined): SessionCookie | undefined {
  if (!value) return undefined;
  const parts = value.split('.');
  if (parts.length !== 3 || !PART.test(parts[0]) || !PART.test(parts[1]) || !SECRET.test(parts[2])) return undefined;
  return { sub: parts[0], sid: parts[1], secret: parts[2] };
}

/** Constant-time: does the cookie's secret hash to the stored one? */
export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSessionSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Constant-time string equality (CSRF tokens). */
export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The consent form's CSRF token: derived from the session's secret, so it is bound to the session and needs no
 * state of its own; the page shows only this hash, never anything that would let someone rebuild the cookie.
 */
export const consentCsrfToken = (secret: string) => createHash('sha256').update(`portcullis consent csrf\0${secret}`, 'utf8').digest('base64url');

/** The logout confirmation form's CSRF token: bound to the session the same way (another label, so the two never coincide). */
export const logoutCsrfToken = (secret: string) => createHash('sha256').update(`portcullis logout csrf\0${secret}`, 'utf8').digest('base64url');

export function setSessionCookie(names: CookieNames, value: string, maxAgeSeconds: number): string {
  return serializeCookie(names.session, value, { maxAgeSeconds, httpOnly: true, secure: names.secure, sameSite: 'Lax', path: '/' });
}

export const clearSessionCookie = (names: CookieNames) => serializeCookie(names.session, '', { maxAgeSeconds: 0, httpOnly: true, secure: names.secure, sameSite: 'Lax', path: '/' });

export const setCsrfCookie = (names: CookieNames, token: string) => serializeCookie(names.csrf, token, { httpOnly: true, secure: names.secure, sameSite: 'Lax', path: '/' });
