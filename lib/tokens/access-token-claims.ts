/** RFC 9068 §2.2 access token claims, as the token endpoint issues them and the authorizer checks them. */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  client_id: string;
  /** Space-delimited. */
  scope: string;
  /** Epoch seconds. */
  iat: number;
  exp: number;
  nbf?: number;
  jti: string;
}
