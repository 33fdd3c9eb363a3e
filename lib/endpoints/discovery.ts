/** RFC 8414 authorization server metadata. `issuer` equals the configured issuer exactly. */
import { AUTH_METHODS } from '../client-auth/credentials';
import type { Config } from '../config/types';
import { SUPPORTED_GRANT_TYPES } from './token';

export const ENDPOINT_PATHS = {
  token: '/oauth2/token',
  revocation: '/oauth2/revoke',
  introspection: '/oauth2/introspect',
  jwks: '/.well-known/jwks.json',
  metadata: '/.well-known/oauth-authorization-server',
} as const;

export function authorizationServerMetadata(config: Config) {
  const base = config.issuer;
  return {
    issuer: config.issuer,
    token_endpoint: `${base}${ENDPOINT_PATHS.token}`,
    jwks_uri: config.jwksUri,
    scopes_supported: Object.keys(config.scopes),
    response_types_supported: [] as string[],
    grant_types_supported: [...SUPPORTED_GRANT_TYPES],
    token_endpoint_auth_methods_supported: AUTH_METHODS,
    revocation_endpoint: `${base}${ENDPOINT_PATHS.revocation}`,
    revocation_endpoint_auth_methods_supported: AUTH_METHODS,
    introspection_endpoint: `${base}${ENDPOINT_PATHS.introspection}`,
    introspection_endpoint_auth_methods_supported: AUTH_METHODS,
  };
}
