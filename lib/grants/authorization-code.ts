/**
 * RFC 6749 §4.1.3 authorization code grant, with PKCE (RFC 7636 §4.5, S256 only). The client authenticated as usual
 * (a public client: `client_id` only, auth method `none`); `code`, `redirect_uri` and `code_verifier` are required.
 *   - ONE conditional write redeems the code when it is live, unused and bound to this client, this redirect_uri and
 *     the S256 of this verifier, and records the jti of the token about to be minted. A refused redemption writes
 *     nothing (a wrong verifier does not burn the code).
 *   - A code presented again (a replay, or the loser of two concurrent redemptions) → invalid_grant, `code.reused`,
 *     and the token issued from it is revoked through the revocation feed: the gateway denies it within the bound
 *     (RFC 6749 §4.1.2, RFC 9700 §4.2.1).
 *   - ONE consistent read then gets the user and the session: a user disabled or gone, or a session that has ended,
 *     gets no token. The scope is the code's, capped by the roles the user has now.
 * RFC 8707: the token's `aud` is the resource the code is bound to (the authorization request's `resource`; default:
 * the default audience) and its scope stays within that resource's scopes. A `resource` sent here must name that same
 * API (checked by the redemption's condition, so a mismatch burns nothing) → otherwise invalid_target.
 * Access token: RFC 9068 with `sub` = the user, `client_id`, `scope`, `sid`, `auth_time`, `gid` (the grant's public id:
 * a code replay, a refresh token's reuse or revocation revoke every token carrying it). With `openid`, an id_token
 * too (lib/tokens/id-token.ts), with the nonce the code kept.
 */
import { randomBytes } from 'node:crypto';
import { epochSeconds } from '../core/clock';
import { guardDependency } from '../core/dependency-guard';
import { OAuthError, invalidRequest } from '../core/errors';
import { randomIds } from '../core/ids';
import { hashCode, s256 } from '../authorization/codes';
import { sessionStillLive } from '../sessions/sessions';
import { retention } from '../stores/keyspace';
import { invalidTarget, resolveResource } from '../oauth/resources';
import { capByRoles } from '../users/roles';
import { wantsIdToken } from '../tokens/id-token';
import { grantId as grantIdOf } from '../refresh/grant-id';
import { issuesRefreshTokens, startFamily } from '../refresh/start-family';
import type { Grant, GrantServices } from './grant';

/** RFC 7636 §4.1: 43–128 characters of [A-Z a-z 0-9 - . _ ~]. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
const invalidGrant = (description: string, reason: string) => new OAuthError('invalid_grant', description, { reason });

function needed(s: GrantServices) {
  if (!s.codes || !s.signInState || !s.revocations) throw new Error('the authorization code grant needs the code, sign-in state and revocation stores');
  return { codes: s.codes, signInState: s.signInState, revocations: s.revocations, families: s.refreshFamilies };
}

export const authorizationCodeGrant: Grant = {
  grantType: 'authorization_code',
  parameters: ['code', 'redirect_uri', 'code_verifier', 'resource'],
  async handle({ params, client, clock }, services) {
    const { config } = services;
    const { codes, signInState, revocations, families } = needed(services);
    const code = params.get('code');
    const redirectUri = params.get('redirect_uri');
    const verifier = params.get('code_verifier');
    if (!code) throw invalidRequest('code is required', 'missing_code');
    if (!redirectUri) throw invalidRequest('redirect_uri is required (the one of the authorization request)', 'missing_redirect_uri');
    if (!verifier) throw invalidRequest('code_verifier is required (PKCE)', 'missing_code_verifier');
    if (!VERIFIER.test(verifier)) throw invalidRequest('code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~', 'bad_code_verifier');
    if (code.length > 256) throw invalidGrant('The authorization code is invalid or expired', 'unknown_code');
    // RFC 8707 §2.2: an undeclared resource → invalid_target; a declared one must be the code's (null: the default audience).
    const presentedResource = params.get('resource') !== undefined ? resolveResource(params.get('resource'), config).audience : undefined;
    const boundResource = presentedResource === undefined ? undefined : presentedResource === config.audience ? null : presentedResource;

    const now = epochSeconds(clock);
    const lifetimeSeconds = Math.min(client.tokenLifetimeSeconds ?? config.tokenLifetimeSeconds, config.maxTokenLifetimeSeconds);
    const jti = (services.ids ?? randomIds).jti();
    // The token's iat is the authentication time (≤ now), so its exp is at most this.
    const tokenExp = now + lifetimeSeconds;
    // The grant's key (the refresh family's, when one is issued); access tokens carry only its public hash (gid).
    const grantId = randomBytes(16).toString('base64url');
    const gid = grantIdOf(grantId);
    const result = await guardDependency(
      codes.redeem(
        hashCode(code),
        { clientId: client.clientId, redirectUri, codeChallenge: s256(verifier), ...(boundResource !== undefined ? { resource: boundResource } : {}) },
        { redeemedAt: now, jti, tokenExp, grantId, expiresAt: retention.redeemedCode(now + config.authorizationCodeLifetimeSeconds, tokenExp, config.clockSkewSeconds) },
        now,
      ),
    );
    switch (result.status) {
      case 'unknown':
        throw invalidGrant('The authorization code is invalid or expired', 'unknown_code');
      case 'expired':
        throw invalidGrant('The authorization code is invalid or expired', 'expired_code');
      case 'mismatch':
        if (result.field === 'client_id') throw invalidGrant('The authorization code was issued to another client', 'client_mismatch');
        if (result.field === 'redirect_uri') throw invalidGrant('redirect_uri does not match the authorization request', 'redirect_uri_mismatch');
        if (result.field === 'resource') throw invalidTarget('The resource is not the one of the authorization request', 'resource_mismatch');
        throw invalidGrant('The code_verifier does not match the code_challenge', 'pkce_mismatch');
      case 'reused': {
        const { record, redemption } = result;
        // The whole grant dies at the gateway (the revocation feed), whoever replays the code: the token issued from the
        // code and every token of the refresh family started with it carry its gid.
        const replayedGid = grantIdOf(redemption.grantId);
        await guardDependency(revocations.revokeGrant(replayedGid, { client_id: record.clientId, sub: record.sub, by: 'code-reuse' }));
        // Its refresh-token family too (a refresh also reads the grant record, so this is for introspection and `tokens list`).
        if (families) await guardDependency(families.revoke(record.sub, redemption.grantId, { nowSeconds: now, reason: 'code_reused', by: 'code-reuse' }));
        services.audit?.emit({
          event: 'code.reused',
          outcome: 'failure',
          reason: 'code_reused',
          client_id: client.clientId,
          sub: record.sub,
          jti: redemption.jti,
          detail: { issued_to: record.clientId, gid: replayedGid, token_revoked: true },
        });
        throw invalidGrant('The authorization code has already been used', 'code_reused');
      }
      case 'redeemed':
        break;
    }
    const { record } = result;
    const state = await guardDependency(signInState.read({ sid: record.sid, sub: record.sub }));
    if (!state.user || state.user.status !== 'active') throw invalidGrant('The user can no longer sign in', 'user_disabled');
    if (!sessionStillLive(state, record.sid, record.sub, now)) throw invalidGrant('The sign-in session has ended', 'session_ended');
    // The resource the code is bound to (still declared: undeclared since → invalid_target), its scopes only.
    const target = resolveResource(record.resource, config);
    const scopes = capByRoles(record.scopes, state.user.roles, config).filter((s) => !target.scopes || target.scopes.includes(s));
    if (scopes.length === 0) throw invalidGrant('The user no longer has any of the granted scopes', 'no_scope_for_user');
    const idToken = wantsIdToken(scopes)
      ? { issuer: config.issuer, clientId: client.clientId, user: state.user, scopes, authTime: record.authTime, sid: record.sid, nonce: record.nonce, lifetimeSeconds }
      : undefined;
    // A client allowed the refresh_token grant gets a refresh token with every code exchange (offline_access or not).
    const started =
      families && issuesRefreshTokens(client)
        ? await guardDependency(startFamily(families, config, { familyKey: grantId, client, sub: record.sub, sid: record.sid, authTime: record.authTime, scopes, nowSeconds: now, ...(record.resource !== undefined ? { resource: record.resource } : {}) }))
        : undefined;
    return {
      ...(idToken ? { idToken } : {}),
      ...(started ? { refreshToken: started.token } : {}),
      accessToken: {
        issuer: config.issuer,
        audience: target.audience,
        clientId: client.clientId,
        subject: record.sub,
        scopes,
        lifetimeSeconds,
        jti,
        extraClaims: { sid: record.sid, auth_time: record.authTime, gid },
      },
      auditDetail: { sid: record.sid, gid, ...(started ? { refresh_token: true } : {}), ...(record.resource !== undefined ? { resource: record.resource } : {}) },
    };
  },
};
