/** Where each endpoint is served, below the issuer (a stable contract: scripts and client libraries rely on it). */
export const ENDPOINT_PATHS = {
  token: '/oauth2/token',
  revocation: '/oauth2/revoke',
  introspection: '/oauth2/introspect',
  jwks: '/.well-known/jwks.json',
  metadata: '/.well-known/oauth-authorization-server',
  /** The authorization endpoint (RFC 6749 §3.1): the code flow starts here. */
  authorization: '/oauth2/authorize',
  /** Where the sign-in form posts. */
  login: '/oauth2/login',
  /** Where the consent form posts. */
  consent: '/oauth2/consent',
  /** OpenID Connect Discovery 1.0 §4. */
  openidConfiguration: '/.well-known/openid-configuration',
  /** OpenID Connect Core 1.0 §5.3 (GET and POST). */
  userinfo: '/oauth2/userinfo',
  /** OpenID Connect RP-Initiated Logout 1.0 (GET and POST). */
  logout: '/oauth2/logout',
} as const;
