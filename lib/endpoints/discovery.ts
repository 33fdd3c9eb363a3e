/** RFC 8414 authorization server metadata. `issuer` equals the configured issuer exactly. */
import { AUTH_METHOD_NAMES } from '../client-auth/registry';
import { CLIENT_ASSERTION_ALGS } from '../jose/algs';
import type { Config } from '../config/types';
import { supportedGrantTypes } from '../grants/registry';
import { json, type HttpResponse } from '../http/response';
import { ENDPOINT_PATHS } from './paths';

export function authorizationServerMetadata(config: Config) {
  const base = config.issuer;
  return {
    issuer: config.issuer,
    authorization_endpoint: `${base}${ENDPOINT_PATHS.authorization}`,
    token_endpoint: `${base}${ENDPOINT_PATHS.token}`,
    jwks_uri: config.jwksUri,
    scopes_supported: Object.keys(config.scopes),
    // The authorization code flow only (no implicit flow, RFC 9700 §2.1.2), PKCE S256 for every client, `iss` on
    // every authorization response (RFC 9207).
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
    grant_types_supported: supportedGrantTypes(config),
    token_endpoint_auth_methods_supported: AUTH_METHOD_NAMES,
    token_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGS],
    revocation_endpoint: `${base}${ENDPOINT_PATHS.revocation}`,
    revocation_endpoint_auth_methods_supported: AUTH_METHOD_NAMES,
    revocation_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGS],
    introspection_endpoint: `${base}${ENDPOINT_PATHS.introspection}`,
    introspection_endpoint_auth_methods_supported: AUTH_METHOD_NAMES.filter((m) => m !== 'none'),
    introspection_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGS],
  };
}

/** GET /.well-known/oauth-authorization-server (RFC 8414). */
export const handleDiscoveryRequest = async (config: Config): Promise<HttpResponse> =>
  json(200, authorizationServerMetadata(config), { 'Cache-Control': 'public, max-age=300' });
