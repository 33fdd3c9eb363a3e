/**
 * Checking a username and password (the login page). The same answer and the same work whether the user exists
 * or not: an unknown username is verified against a dummy Argon2id hash. Failures are counted per presented
 * username (lib/users/user-lockout.ts); during a lock the password is not looked at (the lock's 429 error is thrown).
 */
import type { AuditEvent } from '../audit/types';
import { guardDependency } from '../core/dependency-guard';
import type { Lockout } from '../lockout/lockout';
import type { UserRecord } from '../models/user';
import type { UserStore } from '../stores/ports';
import { DUMMY_PASSWORD_HASH, passwordTooLong, verifyPassword } from './password';
import { normalizeUsername } from './username';

/** Stable reasons for the audit trail; the person signing in sees one message for all of them. */
export type SignInFailure = 'invalid_username' | 'unknown_user' | 'bad_password' | 'password_too_long' | 'user_disabled';

/** Failures that were a guess at a password: counted towards the lockout. */
const COUNTED: ReadonlySet<SignInFailure> = new Set(['unknown_user', 'bad_password', 'password_too_long']);

export type SignInResult = { ok: true; user: UserRecord } | { ok: false; reason: SignInFailure; sub?: string };

export interface SignInDeps {
  users: UserStore;
  lockout?: Lockout;
}

export async function signIn(rawUsername: string, password: string, deps: SignInDeps, context: Partial<AuditEvent> = {}): Promise<SignInResult> {
  const username = normalizeUsername(rawUsername);
  // No such user can exist: nothing to count or compare (the answer is the same as for any failure).
  if (username === undefined) return { ok: false, reason: 'invalid_username' };
  const gate = deps.lockout?.gate(username);
  const lookup = guardDependency(deps.users.findByUsername(username));
  const [found, gated] = await Promise.allSettled([lookup, gate ?? Promise.resolve()]);
  if (gated.status === 'rejected') throw gated.reason; // locked (429), or the lockout state unreadable (503)
  if (found.status === 'rejected') throw found.reason;
  const user = found.value;
  const matches = await verifyPassword(user?.passwordHash ?? DUMMY_PASSWORD_HASH, password);
  const reason: SignInFailure | undefined = !user ? 'unknown_user' : passwordTooLong(password) ? 'password_too_long' : !matches ? 'bad_password' : user.status !== 'active' ? 'user_disabled' : undefined;
  if (reason === undefined) {
    const reset = deps.lockout?.succeeded(username);
    if (reset) await reset;
    return { ok: true, user: user! };
  }
  if (COUNTED.has(reason) && deps.lockout) {
    await guardDependency(deps.lockout.failed(username, { reason, context: { ...context, sub: user?.sub } }));
  }
  return { ok: false, reason, sub: user?.sub };
}
