/** A person who signs in (the authorization code flow), as stored. */

export type UserStatus = 'active' | 'disabled';

export interface UserRecord {
  /** Random and stable (`usr_…`): the `sub` of every token issued for the user. Never reused. */
  sub: string;
  /** Normalized (lib/users/username.ts): unique, enforced by a conditional write on a username item. */
  username: string;
  /** Role names (custom.portcullis.roles): what scopes the user may have. */
  roles: string[];
  status: UserStatus;
  /** Argon2id PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`). Never shown, never logged. */
  passwordHash: string;
  /**
   * Epoch seconds: every SSO session that started at or before it is over (disable, password reset).
   * Sessions are checked against it on every use, so no session needs to be found and deleted.
   */
  sessionsNotBefore?: number;
  /** Optional profile claims (the OpenID Connect issue uses them for `email` / `name`). */
  email?: string;
  /** Whether the operator checked that the address is the user's (`email_verified`; false when absent). */
  emailVerified?: boolean;
  name?: string;
  /** Epoch seconds. */
  createdAt: number;
  updatedAt: number;
  passwordChangedAt: number;
}
