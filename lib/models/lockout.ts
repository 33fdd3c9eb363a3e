/** What the lockout store keeps per client id (lib/lockout). */
export interface LockoutState {
  /** Failed authentications counted since the record was created. */
  failures: number;
  /** Epoch ms of the last counted failure. */
  lastFailureAt: number;
  /** Epoch seconds: past it the record is absent (TTL). */
  expiresAt: number;
}
