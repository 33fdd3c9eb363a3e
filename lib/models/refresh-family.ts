import type { GrantRevocation, SessionRevocation } from './revocation';
import type { UserRecord } from './user';

/**
 * A refresh-token family: every refresh token descended from one code exchange (lib/refresh). One item per family
 * in the user's partition (refresh#<sub>), so a user's families are one Query. Only hashes of tokens are stored.
 */
export interface RefreshFamily {
  /** Random, 128 bits: the first part of each of its refresh tokens, and the item's sort key. */
  familyKey: string;
  /** Public id of the grant: the `gid` claim of its access tokens (lib/refresh/grant-id.ts). */
  gid: string;
  sub: string;
  clientId: string;
  /** The sign-in session it started in; its access tokens carry it as `sid`. */
  sid: string;
  /** Epoch seconds of that sign-in (`auth_time`). */
  authTime: number;
  /** The scope granted at the code exchange: a refresh may narrow it, never widen it. */
  scopes: string[];
  /** RFC 8707: the `aud` of its access tokens when not the default audience (the code's resource); never changes. */
  resource?: string;
  /** The scope of the last access token (what introspection reports). */
  lastScopes: string[];
  createdAt: number;
  lastUsedAt: number;
  /** 1 at the code exchange, + 1 per refresh. */
  generation: number;
  /** SHA-256 (base64url) of the current refresh token. */
  currentHash: string;
  /** The token it replaced: may be exchanged again until rotatedAt + the grace window. */
  previousHash?: string;
  /** When currentHash became current by a normal rotation (the grace window of previousHash starts here). */
  rotatedAt: number;
  /** Older superseded hashes (newest last, bounded): presenting one revokes the family. */
  retiredHashes: string[];
  /** False: the token is kept across refreshes (a confidential client that turned rotation off). */
  rotation: boolean;
  absoluteExpiresAt: number;
  idleLifetimeSeconds: number;
  /** The item's TTL: min(lastUsedAt + idle, absolute); past it the family is absent. */
  expiresAt: number;
  revokedAt?: number;
  /** Stable code: reused, revoked, code_reused, subject_revoked, user_disabled, session_ended. */
  revokedReason?: string;
  revokedBy?: string;
}

/** How a presented token relates to its family. */
export type PresentedState = 'current' | 'previous' | 'reused' | 'unknown';

/** What a refresh (or an introspection of a refresh token) reads in ONE BatchGetItem. */
export interface RefreshState {
  family?: RefreshFamily;
  user?: UserRecord;
  /** revocation#grant#<gid>: a replayed code (its grant revoked before the family item was). */
  grantRevocation?: GrantRevocation;
  /** revocation#session#<sid>: the sign-in session the family started in has ended (logout). */
  sessionRevocation?: SessionRevocation;
}
