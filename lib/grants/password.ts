/**
 * RFC 6749 §4.3 resource owner password credentials grant — a guarded opt-in. It gives the user's password to the
 * client, and RFC 9700 §2.4 says it MUST NOT be used: prefer the authorization code flow with PKCE (people) or
 * client_credentials (machines). It exists for a legacy first-party client that cannot move yet, and is:
 *   - off unless BOTH custom.portcullis.passwordGrant.enabled is true (else `unsupported_grant_type`, as for any
 *     grant this server does not offer) AND the client was registered with the `password` grant type (else
 *     `unauthorized_client`); never for a public client (the token endpoint refuses it);
 *   - the login page's check: lib/users/sign-in.ts (Argon2id, the same work for an unknown user) and the same
 *     per-username lockout, so guesses here and at the login page add up. During a lock: 429 `invalid_grant` with
 *     Retry-After (the login page answers 429 too), without looking at the password;
 *   - every failure `invalid_grant` with one description (no hint whether the user exists or is disabled); the
 *     reason (unknown_user, bad_password, user_disabled …) in the audit event only;
 *   - scope = requested (or the client's defaults) ∩ the client's ∩ the user's roles, then `resource` (RFC 8707)
 *     as for client_credentials; no refresh token;
 *   - audited as such: every event of a request naming this grant (success, failure, or refused because it is off)
 *     is at level WARN with `detail.grant_type: "password"`. The password is never logged, and `scopes_requested`
 *     keeps only declared scope names (a password typed into the scope field is not written).
 * Argon2 (a native module) is loaded at the first password request, not at cold start: client_credentials does
 * not pay for it (lib/users/lazy-sign-in.ts, wired by lib/composition/token.ts only, so no other bundle carries it).
 */
import { epochSeconds } from '../core/clock';
import { OAuthError, invalidRequest } from '../core/errors';
import { resolveResource, scopesForTarget } from '../oauth/resources';
import { grantScopes, invalidScope, parseScope } from '../oauth/scopes';
import { capByRoles } from '../users/roles';
import { isUserLocked } from '../users/user-lockout';
import type { Grant, GrantServices } from './grant';

export const PASSWORD_GRANT = 'password';
/** One answer for every wrong credential, unknown or disabled user. */
const WRONG = 'The username or password is incorrect, or the user cannot sign in';
/** Request parameters longer than this are refused before any work (a password has its own cap: 1 KB). */
const MAX_USERNAME_CHARS = 256;

function needed(s: GrantServices) {
  if (!s.users || !s.userLockout || !s.signIn) throw new Error('the password grant needs the user store, the user lockout and the sign-in check');
  return { users: s.users, userLockout: s.userLockout, signIn: s.signIn };
}

export const passwordGrant: Grant = {
  grantType: PASSWORD_GRANT,
  parameters: ['username', 'password', 'scope', 'resource'],
  enabled: (config) => config.passwordGrant?.enabled === true,

  requestAudit(params, config) {
    const words = params.get('scope')?.split(' ').filter(Boolean) ?? [];
    const declared = words.filter((w) => Object.prototype.hasOwnProperty.call(config.scopes, w));
    return {
      level: 'WARN',
      ...(params.has('scope') ? { scopes_requested: declared.slice(0, 20) } : {}),
      detail: { grant_type: PASSWORD_GRANT, ...(declared.length < words.length ? { undeclared_scopes: words.length - declared.length } : {}) },
    };
  },

  async handle({ params, client, clock }, services) {
    const { config } = services;
    const { users, userLockout, signIn } = needed(services);
    const username = params.get('username');
    const password = params.get('password');
    if (!username) throw invalidRequest('username is required', 'missing_username');
    if (!password) throw invalidRequest('password is required', 'missing_password');
    if (username.length > MAX_USERNAME_CHARS) throw new OAuthError('invalid_grant', WRONG, { reason: 'invalid_username' });
    // What the request asks for is checked before the password is: a bad scope or resource costs no Argon2 and no guess.
    const target = resolveResource(params.get('resource'), config);
    const requested = params.has('scope') ? parseScope(params.get('scope')!) : undefined;
    const fromClient = grantScopes(requested, client, config.scopes);

    // The login page's check; in the token function lazySignIn, which loads Argon2 here, at the first password request.
    let result: Awaited<ReturnType<typeof signIn>>;
    try {
      result = await signIn(username, password, { users, lockout: userLockout }, { client_id: client.clientId, level: 'WARN', detail: { grant_type: PASSWORD_GRANT } });
    } catch (err) {
      if (!isUserLocked(err)) throw err;
      throw new OAuthError('invalid_grant', 'Too many failed sign-ins; retry after the Retry-After delay', {
        status: 429,
        headers: { 'Retry-After': err.headers['Retry-After'] },
        reason: 'user_locked_out',
      });
    }
    if (!result.ok) throw new OAuthError('invalid_grant', WRONG, { reason: result.reason });

    const { user } = result;
    const forUser = capByRoles(fromClient, user.roles, config);
    if (forUser.length === 0) throw invalidScope('None of the requested scopes is granted to this user', 'no_scope_for_user');
    const scopes = scopesForTarget(forUser, target);
    return {
      accessToken: {
        issuer: config.issuer,
        audience: target.audience,
        clientId: client.clientId,
        subject: user.sub,
        scopes,
        lifetimeSeconds: Math.min(client.tokenLifetimeSeconds ?? config.tokenLifetimeSeconds, config.maxTokenLifetimeSeconds),
        extraClaims: { auth_time: epochSeconds(clock) },
      },
      auditDetail: { ...(target.resource !== undefined ? { resource: target.resource } : {}) },
    };
  },
};
