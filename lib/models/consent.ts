/** A user's consent to a (third-party) client: the scopes granted, remembered until `users revoke-consent`. */
export interface ConsentRecord {
  sub: string;
  clientId: string;
  /** Every scope the user has allowed this client so far (a request within them needs no consent page). */
  scopes: string[];
  /** Epoch seconds. */
  grantedAt: number;
  updatedAt: number;
}
