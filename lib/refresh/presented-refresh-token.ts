/**
 * A refresh token presented at /oauth2/revoke (RFC 7009) or /oauth2/introspect (RFC 7662). Recognised by its shape
 * whatever `token_type_hint` says (a hint, never trusted). Only the client it was issued to may revoke it or learn
 * anything about it; revoking it revokes its family and, through the feed, its access tokens.
 */
import type { Clock } from '../core/clock';
import { epochSeconds } from '../core/clock';
import type { Config } from '../config/types';
import { OAuthError } from '../core/errors';
import type { ClientRecord } from '../models/client';
import type { RefreshFamily } from '../models/refresh-family';
import type { RefreshFamilyStore, RevocationStore } from '../stores/ports';
import { deadReason, presentedState } from './family-state';
import { grantId } from './grant-id';
import { hashRefreshToken, type ParsedRefreshToken } from './refresh-token';
import { revokeFamily } from './revoke-grant';

export interface PresentedRefreshDeps {
  config: Pick<Config, 'refreshTokens'>;
  families: RefreshFamilyStore;
  revocations: RevocationStore;
}

/** Whether the token is one of the family's (current, previous or remembered older): a forged secret is not. */
const belongs = (f: RefreshFamily, hash: string): boolean => f.currentHash === hash || f.previousHash === hash || f.retiredHashes.includes(hash);

export interface RefreshRevokeOutcome {
  /** Stable reason for the audit trail when nothing was revoked. */
  nothing?: string;
  sub?: string;
  gid?: string;
}

/**
 * RFC 7009 §2.1 for a refresh token: the family is revoked (one conditional write) and its grant through the feed.
 * Unknown, forged, expired: nothing to do (200). Another client's: unauthorized_client, nothing revoked.
 * `beforeWrite`: the per-client rate limit, called only when the family is about to be revoked.
 */
export async function revokePresentedRefreshToken(
  token: string,
  parsed: ParsedRefreshToken,
  client: ClientRecord,
  clock: Clock,
  deps: PresentedRefreshDeps,
  beforeWrite?: () => Promise<void>,
): Promise<RefreshRevokeOutcome> {
  const f = await deps.families.get(parsed.sub, parsed.familyKey);
  if (!f || f.sid !== parsed.sid || !belongs(f, hashRefreshToken(token))) return { nothing: 'unknown_refresh_token' };
  if (f.clientId !== client.clientId) throw new OAuthError('unauthorized_client', 'The token was not issued to this client', { reason: 'foreign_token' });
  if (f.revokedAt === undefined) await beforeWrite?.();
  await revokeFamily(deps, f, { nowSeconds: epochSeconds(clock), reason: 'revoked', by: `client:${client.clientId}` });
  return { sub: f.sub, gid: f.gid };
}

/** RFC 7662 for a refresh token: its facts, only to the client it was issued to, while it could still be exchanged. */
export async function introspectPresentedRefreshToken(
  token: string,
  parsed: ParsedRefreshToken,
  client: ClientRecord,
  clock: Clock,
  deps: PresentedRefreshDeps,
): Promise<{ body: Record<string, unknown>; reason: string; sub?: string }> {
  const state = await deps.families.read({ sub: parsed.sub, familyKey: parsed.familyKey, gid: grantId(parsed.familyKey), sid: parsed.sid });
  const f = state.family;
  const now = epochSeconds(clock);
  const inactive = (reason: string) => ({ body: { active: false }, reason: `inactive:${reason}` });
  if (!f || f.sid !== parsed.sid) return inactive('unknown_refresh_token');
  if (f.clientId !== client.clientId) return inactive('not_permitted');
  const dead = deadReason(state, now);
  if (dead) return inactive(dead);
  const which = presentedState(f, hashRefreshToken(token), now, deps.config.refreshTokens.reuseGraceSeconds);
  if (which !== 'current' && which !== 'previous') return inactive(which === 'reused' ? 'superseded' : 'unknown_refresh_token');
  return {
    body: { active: true, token_type: 'refresh_token', scope: f.scopes.join(' '), client_id: f.clientId, sub: f.sub, exp: Math.min(f.expiresAt, f.absoluteExpiresAt) },
    reason: 'active',
    sub: f.sub,
  };
}
