/**
 * POST /oauth2/token (RFC 6749 §3.2): client authentication, then the grant named by `grant_type` (lib/grants),
 * then the tokens it decided on are minted, answered (§5.1) and audited. Errors per §5.2.
 */
import type { CachedClientLookup } from '../clients/client-cache';
import type { TokenQuota } from '../clients/token-quota';
import { guardDependency } from '../core/dependency-guard';
import { OAuthError } from '../core/errors';
import type { IdGenerator } from '../core/ids';
import { randomIds } from '../core/ids';
import { PUBLIC_CLIENT_GRANT_REASON, PUBLIC_CLIENT_GRANTS } from '../clients/public-clients';
import { findGrant, grantNamed } from '../grants/registry';
import type { GrantServices } from '../grants/grant';
import type { HttpRequest } from '../http/request';
import { noStoreJson, type HttpResponse } from '../http/response';
import type { KeyRing } from '../keys/key-ring';
import { requestAuditFields } from '../http/audit-fields';
import { mintAccessToken } from '../tokens/access-token';
import { mintIdToken } from '../tokens/id-token';
import { tokenResponseBody } from '../tokens/token-response';
import { runClientEndpoint, type ClientEndpointDeps } from './client-endpoint';

export interface TokenEndpointDeps extends ClientEndpointDeps {
  clients: CachedClientLookup;
  keyRing: KeyRing;
  ids?: IdGenerator;
  /** Per-client token quotas (`--max-tokens-per-minute`); not enforced when absent (unit tests). */
  quota?: TokenQuota;
  /** What the grants beyond client credentials need (lib/grants/grant.ts GrantServices). */
  grantServices?: Omit<GrantServices, 'config'>;
}

export function handleTokenRequest(req: HttpRequest, deps: TokenEndpointDeps): Promise<HttpResponse> {
  return runClientEndpoint(
    req,
    deps,
    { success: 'token.issued', failure: 'token.denied' },
    async ({ params, creds, client, authenticatedAt }, clock) => {
      const grantType = params.get('grant_type')!;
      const grant = findGrant(grantType, deps.config);
      if (!grant) throw new OAuthError('unsupported_grant_type', 'The grant type is not supported', { reason: 'unsupported_grant_type' });
      // A public client never gets a token any other way than through the code grant (PKCE) or a refresh token,
      // whatever its record says (lib/clients/public-clients.ts).
      if (client.public && !PUBLIC_CLIENT_GRANTS.includes(grant.grantType)) {
        throw new OAuthError('unauthorized_client', 'A public client may only use the authorization code (with PKCE) and refresh token grants', { reason: PUBLIC_CLIENT_GRANT_REASON });
      }
      if (!client.grantTypes.includes(grant.grantType)) {
        throw new OAuthError('unauthorized_client', 'The client may not use this grant type', { reason: 'grant_not_allowed' });
      }
      // The client's quota (lib/clients/token-quota.ts): one conditional write, only for a client that has one; before
      // the grant, so a refused request never spends an authorization code.
      if (client.maxTokensPerMinute !== undefined && deps.quota) await guardDependency(deps.quota.admit(client.clientId, client.maxTokensPerMinute));
      const outcome = await grant.handle({ params, client, credentials: creds, clock }, { audit: deps.audit, ids: deps.ids, ...deps.grantServices, config: deps.config });
      // iat is the authentication time, not the (later, possibly much later) signing time: a disable's not-before,
      // which covers the client cache lifetime, then covers every token a cached record can produce.
      const mint = { issuedAt: Math.floor(authenticatedAt / 1000), ...outcome.accessToken };
      const signer = await guardDependency(deps.keyRing.activeSigner());
      const { token, claims } = await guardDependency(mintAccessToken(mint, signer, { clock, ids: deps.ids ?? randomIds }));
      const idToken = outcome.idToken ? await guardDependency(mintIdToken(outcome.idToken, signer, { clock, accessToken: token, issuedAt: claims.iat })) : undefined;
      if (idToken) {
        deps.audit.emit({
          ...requestAuditFields(req),
          event: 'id_token.issued',
          outcome: 'success',
          client_id: client.clientId,
          sub: idToken.claims.sub,
          detail: { sid: idToken.claims.sid, kid: signer.kid, access_token_jti: claims.jti, nonce: idToken.claims.nonce !== undefined },
        });
      }
      return {
        response: noStoreJson(200, tokenResponseBody({ accessToken: token, expiresInSeconds: mint.lifetimeSeconds, scope: claims.scope, refreshToken: outcome.refreshToken, idToken: idToken?.token })),
        audit: {
          sub: claims.sub,
          jti: claims.jti,
          scopes_requested: params.get('scope')?.split(' ').filter(Boolean),
          scopes_granted: mint.scopes,
          detail: { grant_type: grant.grantType, auth_method: creds.method, kid: signer.kid, ...outcome.auditDetail },
        },
      };
    },
    (params) => {
      if (!params.get('grant_type')) throw new OAuthError('invalid_request', 'grant_type is required', { reason: 'missing_grant_type' });
    },
    // A grant may mark every event of a request that names it (the password grant: WARN, whether it is on or not).
    (params) => (params ? grantNamed(params.get('grant_type'))?.requestAudit?.(params, deps.config) : undefined),
  );
}
