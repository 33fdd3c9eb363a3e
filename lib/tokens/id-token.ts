/**
 * OpenID Connect id_tokens (Core 1.0 §2, §3.1.3.6): issued with an access token when the grant covers `openid`,
 * signed with the same keys, `typ: JWT` and `aud` = the client. That type and audience are what keep an id_token from
 * ever passing the API authorizer as an access token (it requires `typ: at+jwt` and the API's audience).
 *   iss, sub, aud, exp, iat      always
 *   auth_time, sid               the SSO session the user signed in with
 *   nonce                        echoed exactly when the authorization request carried one (kept with the code)
 *   at_hash                      the left half of the SHA-256 of the access token issued with it (§3.1.3.6)
 *   azp                          never needed: `aud` is the one client (§2), so it is left out
 *   name, preferred_username, email, email_verified   by scope (lib/oidc/user-claims.ts)
 * The code grant returns what mintIdToken needs (GrantOutcome.idToken); a refresh grant does the same: no nonce
 * (§12.2), the session's auth_time and sid.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../core/clock';
import { epochSeconds } from '../core/clock';
import { signJws, type JwsSigner } from '../jose/sign';
import type { UserRecord } from '../models/user';
import { userClaims, type StandardClaims } from '../oidc/user-claims';

/** What a grant decides about the id_token; the token endpoint mints it after the access token (at_hash). */
export interface IdTokenInput {
  issuer: string;
  clientId: string;
  user: Pick<UserRecord, 'sub' | 'username' | 'name' | 'email' | 'emailVerified'>;
  /** The granted scopes (the claims follow them). */
  scopes: readonly string[];
  authTime: number;
  sid: string;
  nonce?: string;
  lifetimeSeconds: number;
}

export interface IdTokenClaims extends StandardClaims {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  iat: number;
  auth_time: number;
  sid: string;
  nonce?: string;
  at_hash?: string;
}

/** The id_token's `typ` header: `JWT` (never `at+jwt`, so no access-token verifier accepts it). */
export const ID_TOKEN_TYP = 'JWT';

/** Whether a grant with these scopes gets an id_token. */
export const wantsIdToken = (scopes: readonly string[]): boolean => scopes.includes('openid');

/** §3.1.3.6: base64url of the left-most half of the hash of the access token's ASCII, with the alg's hash (SHA-256 for RS256 and ES256). */
export function atHash(accessToken: string): string {
  const digest = createHash('sha256').update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

export function idTokenClaims(input: IdTokenInput, iat: number, accessToken?: string): IdTokenClaims {
  return {
    ...userClaims(input.user, input.scopes),
    iss: input.issuer,
    sub: input.user.sub,
    aud: input.clientId,
    exp: iat + input.lifetimeSeconds,
    iat,
    auth_time: input.authTime,
    sid: input.sid,
    ...(input.nonce !== undefined ? { nonce: input.nonce } : {}),
    ...(accessToken !== undefined ? { at_hash: atHash(accessToken) } : {}),
  };
}

export async function mintIdToken(
  input: IdTokenInput,
  signer: JwsSigner,
  deps: { clock: Clock; accessToken?: string; issuedAt?: number },
): Promise<{ token: string; claims: IdTokenClaims }> {
  const claims = idTokenClaims(input, deps.issuedAt ?? epochSeconds(deps.clock), deps.accessToken);
  return { token: await signJws(ID_TOKEN_TYP, claims, signer), claims };
}
