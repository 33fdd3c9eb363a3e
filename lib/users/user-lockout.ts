/**
 * Brute force at the login page: the same lockout as client authentication (lib/lockout, same policy and
 * custom.portcullis.bruteForce settings), counted per presented (normalized) username in records of their own
 * (keyspace.userLockout). Unknown usernames are counted and locked like real ones, so a lock reveals nothing.
 */
import { OAuthError } from '../core/errors';
import type { LockoutKind } from '../lockout/lockout';

export const USER_LOCKED_REASON = 'locked_out';

export const userLockedError = (retryAfterSeconds: number): OAuthError =>
  new OAuthError('access_denied', 'Too many failed sign-ins; retry after the Retry-After delay', {
    status: 429,
    headers: { 'Retry-After': String(retryAfterSeconds) },
    reason: USER_LOCKED_REASON,
  });

export const USER_LOCKOUT: LockoutKind = {
  event: 'user.locked',
  subject: () => ({}),
  lockedError: userLockedError,
};

export const isUserLocked = (err: unknown): err is OAuthError => err instanceof OAuthError && err.reason === USER_LOCKED_REASON && err.status === 429;
