/** POST /oauth2/token: client authentication, grant, mint, audit — the whole token endpoint behind one call. */
import type { CachedClientLookup } from './clients/client-cache';
import { OAuthError } from './errors';
import { runFormEndpoint, type FormEndpointDeps } from './form-endpoint';
import { clientCredentialsGrant } from './grants/client-credentials';
import type { HttpRequest } from './http/request';
import { noStoreJson, type HttpResponse } from './http/response';
import type { IdGenerator } from './ids';
import { randomIds } from './ids';
import type { KeyRing } from './keys/key-ring';
import { guardStore } from './store-guard';
import { mintAccessToken } from './tokens/mint';

export const SUPPORTED_GRANT_TYPES = ['client_credentials'] as const;

export interface TokenEndpointDeps extends FormEndpointDeps {
  clients: CachedClientLookup;
  keyRing: KeyRing;
  ids?: IdGenerator;
}

export function handleTokenRequest(req: HttpRequest, deps: TokenEndpointDeps): Promise<HttpResponse> {
  return runFormEndpoint(
    req,
    deps,
    { success: 'token.issued', failure: 'token.denied' },
    async ({ params, creds, client, authenticatedAt }, clock) => {
      const grantType = params.get('grant_type')!;
      if (!(SUPPORTED_GRANT_TYPES as readonly string[]).includes(grantType)) {
        throw new OAuthError('unsupported_grant_type', 'The grant type is not supported', { reason: 'unsupported_grant_type' });
      }
      // iat is the authentication time, not the (later, possibly much later) signing time: see AuthenticatedRequest.
      const mint = { ...clientCredentialsGrant(params, client, deps.config), issuedAt: Math.floor(authenticatedAt / 1000) };
      const signer = await guardStore(deps.keyRing.activeSigner());
      const { token, claims } = await guardStore(mintAccessToken(mint, signer, { clock, ids: deps.ids ?? randomIds }));
      return {
        response: noStoreJson(200, { access_token: token, token_type: 'Bearer', expires_in: mint.lifetimeSeconds, scope: claims.scope }),
        audit: {
          sub: claims.sub,
          jti: claims.jti,
          scopes_requested: params.get('scope')?.split(' ').filter(Boolean),
          scopes_granted: mint.scopes,
          detail: { grant_type: grantType, auth_method: creds.method, kid: signer.kid },
        },
      };
    },
    (params) => {
      if (!params.get('grant_type')) throw new OAuthError('invalid_request', 'grant_type is required', { reason: 'missing_grant_type' });
    },
  );
}
