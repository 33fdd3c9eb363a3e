/** The token endpoint's success body (RFC 6749 §5.1): always `scope`, and the tokens a grant issued. */
export interface IssuedTokens {
  accessToken: string;
  expiresInSeconds: number;
  /** Space-delimited granted scope. */
  scope: string;
  refreshToken?: string;
  idToken?: string;
}

export function tokenResponseBody(t: IssuedTokens): Record<string, string | number> {
  return {
    access_token: t.accessToken,
    token_type: 'Bearer',
    expires_in: t.expiresInSeconds,
    scope: t.scope,
    ...(t.refreshToken !== undefined ? { refresh_token: t.refreshToken } : {}),
    ...(t.idToken !== undefined ? { id_token: t.idToken } : {}),
  };
}
