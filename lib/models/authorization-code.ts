/**
 * An authorization code (RFC 6749 §4.1.2) as stored: under the SHA-256 of the 256-bit code, never the code itself,
 * bound to everything the token request must match and everything the tokens are made of. Single use: one
 * conditional write redeems it (lib/stores/dynamo/authorization-code-store.ts).
 */
export interface AuthorizationCodeRecord {
  clientId: string;
  /** Exactly as sent in the authorization request (required there and at the token endpoint). */
  redirectUri: string;
  /** RFC 7636 S256 challenge (base64url SHA-256 of the verifier, 43 characters). */
  codeChallenge: string;
  /** Granted at authorization time: requested ∩ the client's ∩ the user's roles' (capped again at the exchange). */
  scopes: string[];
  sub: string;
  /** The SSO session it was issued in (`sid` claim), and its authentication time (`auth_time`). */
  sid: string;
  authTime: number;
  /** OpenID Connect nonce, kept for the id_token of the next issue. */
  nonce?: string;
  /**
   * RFC 8707: the API the tokens are for (their `aud`), when the authorization request named one other than the
   * default audience; absent → the default audience. The scopes above are already kept to that API's.
   */
  resource?: string;
  /** Epoch seconds. */
  issuedAt: number;
  /** Epoch seconds: no redemption at or after it (issuedAt + code lifetime, 60 s by default). */
  codeExpiresAt: number;
}

/** What a redemption recorded: which token came of it, so a replay can revoke it (RFC 6749 §4.1.2). */
export interface CodeRedemption {
  /** Epoch seconds. */
  redeemedAt: number;
  /** The access token issued from the code (one per code here; the refresh-token issue adds its family). */
  jti: string;
  /** That token's exp: the record lives until then, so a replay is recognised as long as the token lives. */
  tokenExp: number;
  /** Identifies what the code started (the refresh-token issue's family id). */
  grantId: string;
}

/** The outcome of presenting a code at the token endpoint. */
export type RedeemResult =
  | { status: 'redeemed'; record: AuthorizationCodeRecord }
  /** Already redeemed: a replay. The redemption says which token to revoke. */
  | { status: 'reused'; record: AuthorizationCodeRecord; redemption: CodeRedemption }
  /** The code exists and is live, but this request does not match it (nothing written, the code still works). */
  | { status: 'mismatch'; record: AuthorizationCodeRecord; field: 'client_id' | 'redirect_uri' | 'code_verifier' | 'resource' }
  | { status: 'expired' }
  | { status: 'unknown' };
