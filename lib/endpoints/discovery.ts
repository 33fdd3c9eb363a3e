/**
 * The discovery documents, built by ONE function so they cannot disagree: RFC 8414 authorization server metadata
 * at /.well-known/oauth-authorization-server, and OpenID Connect Discovery 1.0 at /.well-known/openid-configuration
 * (the same members plus the OpenID Connect ones). `issuer` equals the configured issuer exactly in both.
 */
import { AUTH_METHOD_NAMES } from '../client-auth/registry';
import { CLIENT_ASSERTION_ALGS } from '../jose/algs';
import type { Config } from '../config/types';
import { supportedGrantTypes } from '../grants/registry';
import { json, type HttpResponse } from '../http/response';
import { SUPPORTED_CLAIMS } from '../oidc/user-claims';
import { ENDPOINT_PATHS } from './paths';

export type DiscoveryDocument = 'oauth' | 'openid';

export function discoveryDocument(config: Config, kind: DiscoveryDocument) {
  const base = config.issuer;
  const oauth = {
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
    userinfo_endpoint: `${base}${ENDPOINT_PATHS.userinfo}`,
    end_session_endpoint: `${base}${ENDPOINT_PATHS.logout}`,
  };
  if (kind === 'oauth') return oauth;
  return {
    ...oauth,
    // id_tokens are signed with the same key as access tokens: one algorithm per deployment.
    id_token_signing_alg_values_supported: [config.signer.alg],
    subject_types_supported: ['public'],
    claims_supported: [...SUPPORTED_CLAIMS],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
  };
}

/** RFC 8414 metadata (kept for callers of the earlier name). */
export const authorizationServerMetadata = (config: Config) => discoveryDocument(config, 'oauth');

const answer = (config: Config, kind: DiscoveryDocument): HttpResponse => json(200, discoveryDocument(config, kind), { 'Cache-Control': 'public, max-age=300' });

/** GET /.well-known/oauth-authorization-server (RFC 8414). */
export const handleDiscoveryRequest = async (config: Config): Promise<HttpResponse> => answer(config, 'oauth');

/** GET /.well-known/openid-configuration (OpenID Connect Discovery 1.0). */
export const handleOpenidConfigurationRequest = async (config: Config): Promise<HttpResponse> => answer(config, 'openid');
