/**
 * The discovery documents: RFC 8414 at /.well-known/oauth-authorization-server and OpenID Connect Discovery 1.0 at
 * /.well-known/openid-configuration, built by one function so every member they share is the same.
 */
import { handleDiscoveryRequest, handleOpenidConfigurationRequest } from '../../lib/endpoints/discovery';
import { testConfig } from '../../testkit/config';

const config = testConfig({ env: { PORTCULLIS_ISSUER: 'https://auth.example.test/prod', PORTCULLIS_SIGNING_ALG: 'ES256' } });

test('/.well-known/openid-configuration lists the OpenID Connect members, with the endpoints below the issuer', async () => {
  const res = await handleOpenidConfigurationRequest(config);
  expect(res.statusCode).toBe(200);
  expect(res.headers['Content-Type']).toBe('application/json;charset=UTF-8');
  expect(res.headers['Cache-Control']).toBe('public, max-age=300');
  const doc = JSON.parse(res.body);
  expect(doc).toMatchObject({
    issuer: 'https://auth.example.test/prod',
    authorization_endpoint: 'https://auth.example.test/prod/oauth2/authorize',
    token_endpoint: 'https://auth.example.test/prod/oauth2/token',
    userinfo_endpoint: 'https://auth.example.test/prod/oauth2/userinfo',
    end_session_endpoint: 'https://auth.example.test/prod/oauth2/logout',
    jwks_uri: config.jwksUri,
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256'],
  });
  expect(doc.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'offline_access', 'read:data']));
  expect(doc.claims_supported).toEqual(
    expect.arrayContaining(['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'sid', 'at_hash', 'name', 'preferred_username', 'email', 'email_verified']),
  );
  expect(doc.grant_types_supported).toContain('authorization_code');
});

test('the RFC 8414 document and the OpenID one agree on every member they share', async () => {
  const oauth = JSON.parse((await handleDiscoveryRequest(config)).body);
  const openid = JSON.parse((await handleOpenidConfigurationRequest(config)).body);
  for (const [name, value] of Object.entries(oauth)) expect({ name, value: openid[name] }).toEqual({ name, value });
  // The OpenID-only members are the OpenID ones.
  expect(Object.keys(openid).filter((k) => !(k in oauth)).sort()).toEqual([
    'claims_parameter_supported',
    'claims_supported',
    'id_token_signing_alg_values_supported',
    'prompt_values_supported',
    'request_parameter_supported',
    'request_uri_parameter_supported',
    'subject_types_supported',
  ]);
  expect(oauth.issuer).toBe(config.issuer);
});
