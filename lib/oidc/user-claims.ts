/**
 * The standard claims of a user by scope (OpenID Connect Core 1.0 §5.1, §5.4), shared by the id_token and the
 * userinfo endpoint: `profile` → `name`, `preferred_username`; `email` → `email`, `email_verified`. A claim the user
 * has no value for is left out (never null, §5.3.2). `sub` is always there.
 */
import type { UserRecord } from '../models/user';

/** What `claims_supported` lists (the id_token's own claims, and the standard ones we can fill). */
export const SUPPORTED_CLAIMS = [
  'iss',
  'sub',
  'aud',
  'exp',
  'iat',
  'auth_time',
  'nonce',
  'sid',
  'azp',
  'at_hash',
  'name',
  'preferred_username',
  'email',
  'email_verified',
] as const;

export type StandardClaims = {
  name?: string;
  preferred_username?: string;
  email?: string;
  email_verified?: boolean;
};

/** The claims the granted scopes release for this user. */
export function userClaims(user: Pick<UserRecord, 'username' | 'name' | 'email' | 'emailVerified'>, scopes: readonly string[]): StandardClaims {
  const out: StandardClaims = {};
  if (scopes.includes('profile')) {
    if (user.name) out.name = user.name;
    out.preferred_username = user.username;
  }
  if (scopes.includes('email') && user.email) {
    out.email = user.email;
    out.email_verified = user.emailVerified === true;
  }
  return out;
}
