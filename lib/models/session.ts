/**
 * An SSO session: one browser's sign-in. The cookie carries `<sub>.<sid>.<secret>`; the table keeps the session
 * under its `sid` with only the SHA-256 of the 256-bit secret (lib/sessions/session-cookie.ts). Idle and absolute
 * timeouts; a new session (new sid, new secret) at every login.
 */
export interface SessionRecord {
  /** Public session id (128 random bits, base64url): the `sid` claim of the tokens issued in it. Not a credential. */
  sid: string;
  sub: string;
  /** SHA-256 (hex) of the cookie's secret part. */
  secretHash: string;
  /** Epoch seconds of the authentication (the `auth_time` claim). */
  authTime: number;
  /** Authentication methods (RFC 8176): `pwd`. */
  amr: string[];
  /** Epoch seconds. */
  createdAt: number;
  /** Epoch seconds past which the session is over whatever happens: createdAt + absolute timeout. */
  absoluteExpiresAt: number;
  /**
   * Epoch seconds at which it ends unless used: the idle deadline, capped by the absolute one. The store keeps it as
   * the record's TTL and pushes it forward as the session is used (lib/sessions/sessions.ts).
   */
  expiresAt: number;
}
