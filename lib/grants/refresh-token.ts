/**
 * RFC 6749 §6 refresh token grant, with rotation and reuse detection (RFC 9700 §4.14.2). The client authenticated as
 * usual (a public client: `client_id` only). At most TWO DynamoDB calls:
 *   1. ONE consistent BatchGetItem: the family (refresh#<sub> / family#<key>, named by the token itself), the user,
 *      the grant's and the sign-in session's revocation records.
 *   2. ONE conditional UpdateItem rotates the family: the presented hash must still be current (it becomes previous,
 *      the new one current, generation + 1), or still previous inside the grace window (only current is replaced).
 * A superseded token presented after the grace window (the previous one, or an older one still remembered) is reuse:
 * invalid_grant, ONE conditional write revokes the family, its grant is revoked through the feed (the gateway denies
 * its access tokens), `refresh.reused` is audited. A concurrent refresh that loses the race (its hash moved to
 * previous meanwhile) retries once as a grace-window refresh: no 5xx, one current token at the end.
 * The scope may narrow (never widen) the family's; the client's scopes and the user's roles of now cap it.
 * OpenID Connect (Core 1.0 §12.2): a refresh whose scope keeps `openid` gets a new id_token with the family's sub, sid and
 * auth_time (the original sign-in), aud = the same client, no nonce (it binds an authentication request, and a refresh is
 * none), at_hash of the new access token, and the standard claims of the user item the BatchGetItem already read.
 * RFC 8707: the access tokens are for the family's resource (the code's; default: the default audience); a `resource`
 * sent here must name that same API → otherwise invalid_target (an undeclared one before the read, another declared
 * one after it and before any write: nothing rotates).
 */
import { epochSeconds } from '../core/clock';
import { guardDependency } from '../core/dependency-guard';
import { OAuthError, invalidRequest } from '../core/errors';
import { DEFAULTS } from '../config/defaults';
import { invalidTarget, resolveResource } from '../oauth/resources';
import { invalidScope, parseScope } from '../oauth/scopes';
import { deadReason, nextExpiry, presentedState, rotates } from '../refresh/family-state';
import { grantId } from '../refresh/grant-id';
import { hashRefreshToken, newRefreshToken, parseRefreshToken } from '../refresh/refresh-token';
import { revokeFamily } from '../refresh/revoke-grant';
import type { RotateRequest } from '../stores/ports';
import { wantsIdToken } from '../tokens/id-token';
import { capByRoles } from '../users/roles';
import type { Grant, GrantServices } from './grant';

const invalidGrant = (reason: string, description = 'The refresh token is invalid, expired or revoked') => new OAuthError('invalid_grant', description, { reason });

function needed(s: GrantServices) {
  if (!s.refreshFamilies || !s.revocations) throw new Error('the refresh token grant needs the refresh-family and revocation stores');
  return { families: s.refreshFamilies, revocations: s.revocations };
}

export const refreshTokenGrant: Grant = {
  grantType: 'refresh_token',
  parameters: ['refresh_token', 'scope', 'resource'],
  async handle({ params, client, clock }, services) {
    const { config } = services;
    const { families, revocations } = needed(services);
    const presented = params.get('refresh_token');
    if (!presented) throw invalidRequest('refresh_token is required', 'missing_refresh_token');
    const parsed = parseRefreshToken(presented);
    if (!parsed) throw invalidGrant('malformed_refresh_token');
    const requested = params.get('scope') !== undefined ? parseScope(params.get('scope')!) : undefined;
    // RFC 8707: an undeclared resource → invalid_target before any read; a declared one is compared with the family's below.
    const presentedAudience = params.get('resource') !== undefined ? resolveResource(params.get('resource'), config).audience : undefined;
    const now = epochSeconds(clock);
    const graceSeconds = config.refreshTokens.reuseGraceSeconds;
    const hash = hashRefreshToken(presented);
    const gid = grantId(parsed.familyKey);

    const state = await guardDependency(families.read({ sub: parsed.sub, familyKey: parsed.familyKey, gid, sid: parsed.sid }));
    const f = state.family;
    if (!f || f.sid !== parsed.sid) throw invalidGrant('unknown_refresh_token');
    if (f.clientId !== client.clientId) throw invalidGrant('client_mismatch', 'The refresh token was issued to another client');
    const audience = f.resource ?? config.audience;
    if (presentedAudience !== undefined && presentedAudience !== audience) throw invalidTarget('The resource is not the one the refresh token was issued for', 'resource_mismatch');
    const dead = deadReason(state, now);
    if (dead) throw invalidGrant(dead);
    const which = presentedState(f, hash, now, graceSeconds);
    if (which === 'unknown') throw invalidGrant('unknown_refresh_token');
    if (which === 'reused') {
      // Someone holds a token that was already exchanged: the thief or the victim. The whole family dies, newest included.
      await guardDependency(revokeFamily({ families, revocations }, f, { nowSeconds: now, reason: 'reused', by: 'refresh-reuse' }));
      services.audit?.emit({
        event: 'refresh.reused',
        outcome: 'failure',
        reason: 'refresh_token_reused',
        client_id: client.clientId,
        sub: f.sub,
        detail: { family: f.gid, sid: f.sid, generation: f.generation, presented: f.previousHash === hash ? 'previous' : 'retired', family_revoked: true },
      });
      throw invalidGrant('refresh_token_reused');
    }

    // The scope: a subset of the family's, capped by what the client and the user's roles allow now.
    if (requested) for (const s of requested) if (!f.scopes.includes(s)) throw invalidScope('A requested scope exceeds the scope originally granted', 'scope_widened');
    const scopes = capByRoles(requested ?? f.scopes, state.user!.roles, config).filter((s) => client.allowedScopes.includes(s));
    if (scopes.length === 0) throw invalidGrant('no_scope_for_user', 'The user no longer has any of the granted scopes');

    // Rotation off (a confidential client's choice) keeps the current token; a grace-window refresh always rotates.
    const rotation = rotates(client) || which === 'previous';
    const next = rotation ? newRefreshToken(parsed) : undefined;
    const base = { presentedHash: hash, newHash: next !== undefined ? hashRefreshToken(next) : hash, nowSeconds: now, expiresAt: nextExpiry(f, now), scopes, graceStartsAfter: now - graceSeconds };
    const retiredHashes = [...f.retiredHashes, ...(f.previousHash ? [f.previousHash] : [])].slice(-DEFAULTS.refreshRetiredHashes);
    const first: RotateRequest = { ...base, from: !rotation ? 'keep' : which, retiredHashes };
    let ok = await guardDependency(families.rotate(f.sub, f.familyKey, first));
    let via: string = first.from;
    if (!ok && first.from === 'current') {
      // Lost a race with a concurrent refresh of the same token: it is now the previous one, inside the grace window.
      ok = await guardDependency(families.rotate(f.sub, f.familyKey, { ...first, from: 'previous' }));
      via = 'previous';
    }
    if (!ok) throw invalidGrant('refresh_conflict');

    const lifetimeSeconds = Math.min(client.tokenLifetimeSeconds ?? config.tokenLifetimeSeconds, config.maxTokenLifetimeSeconds);
    // deadReason checked that the user read is this family's, and active.
    const idToken = wantsIdToken(scopes) ? { issuer: config.issuer, clientId: client.clientId, user: state.user!, scopes, authTime: f.authTime, sid: f.sid, lifetimeSeconds } : undefined;
    return {
      ...(idToken ? { idToken } : {}),
      accessToken: {
        issuer: config.issuer,
        audience,
        clientId: client.clientId,
        subject: f.sub,
        scopes,
        lifetimeSeconds,
        extraClaims: { sid: f.sid, auth_time: f.authTime, gid: f.gid },
      },
      ...(next !== undefined ? { refreshToken: next } : {}),
      auditDetail: { sid: f.sid, gid: f.gid, generation: f.generation + 1, rotated: next !== undefined, via },
    };
  },
};
