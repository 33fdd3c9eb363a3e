/** POST /oauth2/token: client authentication, grant, mint, audit — the whole token endpoint behind one call. */
import type { CachedClientLookup } from '../clients/client-cache';
import { OAuthError } from '../core/errors';
import { runClientEndpoint, type ClientEndpointDeps } from './client-endpoint';
import { clientCredentialsGrant } from '../grants/client-credentials';
import type { HttpRequest } from '../http/request';
import { noStoreJson, type HttpResponse } from '../http/response';
import type { IdGenerator } from '../core/ids';
import { randomIds } from '../core/ids';
import type { KeyRing } from '../keys/key-ring';
import { guardDependency } from '../core/dependency-guard';
import { mintAccessToken } from '../tokens/access-token';

export const SUPPORTED_GRANT_TYPES = ['client_credentials'] as const;

export interface TokenEndpointDeps extends ClientEndpointDeps {
  clients: CachedClientLookup;
  keyRing: KeyRing;
  ids?: IdGenerator;
}

export function handleTokenRequest(req: HttpRequest, deps: TokenEndpointDeps): Promise<HttpResponse> {
  return runClientEndpoint(
    req,
    deps,
    { success: 'token.issued', failure: 'token.denied' },
    async ({ params, creds, client }, clock) => {
      const grantType = params.get('grant_type')!;
      if (!(SUPPORTED_GRANT_TYPES as readonly string[]).includes(grantType)) {
        throw new OAuthError('unsupported_grant_type', 'The grant type is not supported', { reason: 'unsupported_grant_type' });
      }
      const mint = clientCredentialsGrant(params, client, deps.config);
      const signer = await guardDependency(deps.keyRing.activeSigner());
      const { token, claims } = await guardDependency(mintAccessToken(mint, signer, { clock, ids: deps.ids ?? randomIds }));
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
