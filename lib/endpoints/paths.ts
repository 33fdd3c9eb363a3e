/** Where each endpoint is served, below the issuer (a stable contract: scripts and client libraries rely on it). */
export const ENDPOINT_PATHS = {
  token: '/oauth2/token',
  revocation: '/oauth2/revoke',
  introspection: '/oauth2/introspect',
  jwks: '/.well-known/jwks.json',
  metadata: '/.well-known/oauth-authorization-server',
} as const;
