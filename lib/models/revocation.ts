/** Revocation records as stored and read from the feed, and what revocation needs to know of a token. */

/** What revocation needs to know of a verified access token. */
export interface TokenFacts {
  jti: string;
  client_id: string;
  sub: string;
  /** Epoch seconds. */
  iat: number;
  exp: number;
  /** The grant (refresh family, or the code exchange) the token came from: its public id (lib/refresh/grant-id.ts). */
  gid?: string;
  /** The sign-in session the token was issued in. */
  sid?: string;
}

/** Stable reason codes for the audit trail (never shown to the caller in detail). */
export type RevocationReason =
  | 'revoked' // this jti was revoked
  | 'client_revoked' // everything issued to the client before a not-before epoch
  | 'subject_revoked' // everything issued for the subject before a not-before epoch
  | 'client_disabled' // the client was disabled after the token was issued
  | 'grant_revoked' // its grant (refresh family / code exchange) was revoked: refresh reuse, code replay, revoke of a refresh token
  | 'session_ended' // issued in a sign-in session that ended (logout) before a not-before epoch
  | 'revocation_state_stale'; // fail closed: revocation state could not be refreshed within the bound

/** One revoked access token (RFC 7009, or the admin CLI by jti). Stored until `exp` + clock skew. */
export interface TokenRevocation {
  kind: 'token';
  jti: string;
  /** Absent when revoked by jti alone (admin CLI), where the token itself is not at hand. */
  client_id?: string;
  sub?: string;
  /** The token's exp, epoch seconds. */
  exp: number;
  /** When the revocation was recorded, epoch seconds. */
  revokedAt: number;
  /** Who revoked: a CLI user, or `client:<id>` for RFC 7009 self-revocation. Never a token or secret. */
  by?: string;
}

/**
 * Every token of the client with `iat <= notBefore` is dead ("not before" is the last dead second,
 * so tokens minted in the same second as the revoke die too). Stored until notBefore + max lifetime + skew.
 */
export interface ClientRevocation {
  kind: 'client';
  client_id: string;
  /** Epoch seconds; only ever moves forward. */
  notBefore: number;
  /** `disabled`: the client was disabled (reason `client_disabled`); `revoked`: `revoke --client` (reason `client_revoked`). */
  reason: 'revoked' | 'disabled';
  revokedAt: number;
  by?: string;
}

/** Every token for the subject (any client) with `iat <= notBefore` is dead. */
export interface SubjectRevocation {
  kind: 'subject';
  sub: string;
  /** Epoch seconds; only ever moves forward. */
  notBefore: number;
  revokedAt: number;
  by?: string;
}

/**
 * Every token carrying `gid` is dead, whatever its iat: a revoked grant (refresh family) never mints again.
 * Stored until revokedAt + max lifetime + skew (every token it minted has expired by then).
 */
export interface GrantRevocation {
  kind: 'grant';
  gid: string;
  sub?: string;
  client_id?: string;
  revokedAt: number;
  /** `refresh-reuse`, `code-reuse`, `client:<id>`, a CLI user... Never a token or secret. */
  by?: string;
}

/** Every token carrying `sid` with `iat <= notBefore` is dead (the session ended: logout). */
export interface SessionRevocation {
  kind: 'session';
  sid: string;
  sub?: string;
  /** Epoch seconds; only ever moves forward. */
  notBefore: number;
  revokedAt: number;
  by?: string;
}

export type RevocationRecord = TokenRevocation | ClientRevocation | SubjectRevocation | GrantRevocation | SessionRevocation;

/** The id a record revokes by (jti, client id, subject, grant id or session id). */
export function revokedId(r: RevocationRecord): string {
  switch (r.kind) {
    case 'token':
      return r.jti;
    case 'client':
      return r.client_id;
    case 'subject':
      return r.sub;
    case 'grant':
      return r.gid;
    case 'session':
      return r.sid;
  }
}

export interface RevokeGrantInput {
  sub?: string;
  client_id?: string;
  by?: string;
}

export interface RevokeSessionInput {
  /** Epoch seconds (lib/revocation/not-before.ts notBeforeNow). */
  notBefore: number;
  sub?: string;
  by?: string;
}

/** The record that kills a token, and the reason code it maps to. */
export interface RevocationHit {
  reason: Exclude<RevocationReason, 'revocation_state_stale'>;
  record: RevocationRecord;
}

/** One record read from the feed (write order). */
export interface RevocationFeedEntry {
  record: RevocationRecord;
  /** TTL, epoch seconds: past it the record is absent. */
  expiresAt: number;
  /** Sortable feed position (`<ms, 15 digits>#<random>`). */
  position: string;
}

/**
 * A record that only a full re-read of the feed found: it reached the feed index later than the incremental
 * reads look back (the index lagged more than the overlap, or the writer's clock was behind). Applied anyway;
 * reported so that the lag raises an alarm.
 */
export interface LateRevocationRecord {
  kind: RevocationRecord['kind'];
  /** The jti, client id, subject, grant id or session id it revokes. */
  id: string;
  position: string;
  /** How far its position was behind the reader's clock when it was applied, ms. */
  lagMs: number;
}

export interface RevocationFeedPage {
  /** Live records after the requested position, in write order. */
  entries: RevocationFeedEntry[];
  /** The highest position read (expired records included), or the requested one when nothing was read. */
  position: string;
}

export interface RevokeTokenInput {
  jti: string;
  client_id?: string;
  sub?: string;
  /** The token's exp; by jti alone (token not at hand) pass now + maxTokenLifetimeSeconds. */
  exp: number;
  by?: string;
}

export interface RevokeTokenOptions {
  /**
   * Called only when a new record is about to be written (not for a jti already revoked, nor for an expired
   * token); a rejection aborts the revoke with nothing written. The per-client rate limit of /oauth2/revoke.
   */
  beforeWrite?: () => Promise<void>;
}

/** A fixed window: number `index` runs from index × window to (index + 1) × window. */
export interface RateWindow {
  index: number;
  /** Epoch seconds at which it ends: the counter's TTL. */
  endsAt: number;
}
