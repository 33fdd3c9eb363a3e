/**
 * What an authorization request needs next, given who is signed in (pure):
 *   no live session, `prompt=login` / `select_account`, or an authentication older than `max_age` → the sign-in form
 *     (`prompt=none`: login_required);
 *   the user's roles leave none of the requested scopes → access_denied;
 *   a third-party client whose remembered consent does not cover the scopes (or `prompt=consent`) → the consent page
 *     (`prompt=none`: consent_required);
 *   otherwise → a code. Right after a sign-in (`freshLogin`) prompt=login and max_age are satisfied.
 */
import type { Config } from '../config/types';
import type { OAuthErrorCode } from '../core/errors';
import type { ConsentRecord } from '../models/consent';
import type { LiveSession } from '../sessions/sessions';
import { capByRoles } from '../users/roles';
import type { AuthorizationRequest } from './request';

export type Decision =
  | { kind: 'login' }
  | { kind: 'consent'; scopes: string[] }
  | { kind: 'code'; scopes: string[] }
  | { kind: 'error'; code: OAuthErrorCode; description: string; reason: string };

export function decide(
  request: AuthorizationRequest,
  signedIn: { live?: LiveSession; consent?: ConsentRecord; freshLogin?: boolean },
  nowSeconds: number,
  config: Pick<Config, 'roles'>,
): Decision {
  const silent = request.prompt.has('none');
  const { live } = signedIn;
  const stale = live !== undefined && request.maxAge !== undefined && nowSeconds - live.session.authTime > request.maxAge;
  const mustSignIn = !live || (!signedIn.freshLogin && (request.prompt.has('login') || request.prompt.has('select_account') || stale));
  if (mustSignIn) {
    return silent ? { kind: 'error', code: 'login_required', description: 'The user must sign in', reason: live ? 'max_age_exceeded' : 'no_session' } : { kind: 'login' };
  }
  const scopes = capByRoles(request.scopes, live!.user.roles, config);
  if (scopes.length === 0) return { kind: 'error', code: 'access_denied', description: 'The user has none of the requested scopes', reason: 'no_scope_for_user' };
  if (request.client.thirdParty) {
    const covered = signedIn.consent !== undefined && scopes.every((s) => signedIn.consent!.scopes.includes(s));
    if (!covered || request.prompt.has('consent')) {
      return silent ? { kind: 'error', code: 'consent_required', description: 'The user must consent', reason: 'consent_required' } : { kind: 'consent', scopes };
    }
  }
  return { kind: 'code', scopes };
}
