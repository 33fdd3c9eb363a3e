/**
 * The rules of a refresh-token family, as pure functions of what the one BatchGetItem read (lib/refresh):
 * which of its tokens was presented, whether the family is still alive, its lifetimes.
 */
import type { Config } from '../config/types';
import type { ClientRecord } from '../models/client';
import type { RefreshFamily, PresentedState, RefreshState } from '../models/refresh-family';

export type { RefreshState };

/** Which token of the family was presented (by its hash). `previous` only inside the grace window. */
export function presentedState(family: RefreshFamily, hash: string, nowSeconds: number, graceSeconds: number): PresentedState {
  if (family.currentHash === hash) return 'current';
  if (family.previousHash === hash) return family.rotatedAt + graceSeconds >= nowSeconds ? 'previous' : 'reused';
  if (family.retiredHashes.includes(hash)) return 'reused';
  return 'unknown';
}

/** Why a family that exists can issue nothing any more (a stable reason code), or undefined while it lives. */
export function deadReason(s: RefreshState, nowSeconds: number): string | undefined {
  const f = s.family;
  if (!f) return 'unknown_refresh_token';
  if (f.revokedAt !== undefined) return f.revokedReason === 'reused' ? 'family_revoked_reuse' : 'family_revoked';
  if (f.expiresAt <= nowSeconds || f.absoluteExpiresAt <= nowSeconds) return 'refresh_token_expired';
  if (s.grantRevocation) return 'grant_revoked';
  if (s.sessionRevocation && f.createdAt <= s.sessionRevocation.notBefore) return 'session_ended';
  if (!s.user || s.user.sub !== f.sub) return 'user_disabled';
  if (s.user.status !== 'active') return 'user_disabled';
  // Disable and password reset end every session signed in up to sessionsNotBefore, and the families started in them.
  if (s.user.sessionsNotBefore !== undefined && f.authTime <= s.user.sessionsNotBefore) return 'sessions_ended';
  return undefined;
}

/** Rotation: mandatory for a public client, on by default for a confidential one. */
export const rotates = (client: Pick<ClientRecord, 'public' | 'refreshTokens'>): boolean => client.public === true || client.refreshTokens?.rotation !== false;

/** The lifetimes of a new family: the client's, where shorter than the global ones. */
export function familyLifetimes(config: Pick<Config, 'refreshTokens'>, client: Pick<ClientRecord, 'refreshTokens'>): { absoluteSeconds: number; idleSeconds: number } {
  const g = config.refreshTokens;
  const absoluteSeconds = Math.min(g.absoluteLifetimeSeconds, client.refreshTokens?.absoluteLifetimeSeconds ?? Infinity);
  const idleSeconds = Math.min(g.idleLifetimeSeconds, client.refreshTokens?.idleLifetimeSeconds ?? Infinity, absoluteSeconds);
  return { absoluteSeconds, idleSeconds };
}

/** The family's TTL after a use at `nowSeconds`. */
export const nextExpiry = (f: Pick<RefreshFamily, 'absoluteExpiresAt' | 'idleLifetimeSeconds'>, nowSeconds: number): number =>
  Math.min(nowSeconds + f.idleLifetimeSeconds, f.absoluteExpiresAt);
