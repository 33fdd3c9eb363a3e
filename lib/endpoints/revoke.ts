/**
 * POST /oauth2/revoke (RFC 7009). The client authenticates as at the token endpoint.
 * 200 with an empty body for a revoked, already-revoked, expired, unknown or garbage token.
 * A valid token issued to another client is refused with 400 unauthorized_client (§2.1) and not revoked.
 * A refresh token revokes its whole family and, through the feed, the family's access tokens.
 * A store failure is 503 with Retry-After, never a silent 200.
 * A replay of an already-revoked token writes nothing. A new revocation counts against the client's rate limit
 * (lib/revocation/revoke-rate-limit.ts): past it, 429 with Retry-After, and the token is not revoked.
 */
import { OAuthError } from '../core/errors';
import type { HttpRequest } from '../http/request';
import { empty, type HttpResponse } from '../http/response';
import { guardDependency } from '../core/dependency-guard';
import type { AuditFields } from './client-endpoint';
import { revokePresentedRefreshToken } from '../refresh/presented-refresh-token';
import { runPresentedTokenEndpoint, type PresentedTokenDeps } from './presented-token';

export type { PresentedTokenDeps };

export function handleRevocationRequest(req: HttpRequest, deps: PresentedTokenDeps): Promise<HttpResponse> {
  // token_type_hint is only a hint (§2.1): the kind of token is told by its shape (a JWT access token, or a refresh token).
  // With the authorizer's clock skew: a token just past `exp` that the gateway may still accept is still revoked.
  return runPresentedTokenEndpoint(req, deps, 'token.revoked', deps.config.clockSkewSeconds, async (verified, client) => {
    if (!verified.claims) return { response: empty(200), audit: { reason: `nothing_to_revoke:${verified.reason}` } };
    const { jti, client_id, sub, exp } = verified.claims;
    if (client_id !== client.clientId) {
      throw new OAuthError('unauthorized_client', 'The token was not issued to this client', { reason: 'foreign_token' });
    }
    const limit = deps.revokeRateLimit;
    await guardDependency(
      deps.revocations.revokeToken({ jti, client_id, sub, exp, by: `client:${client.clientId}` }, limit ? { beforeWrite: () => limit.admit(client.clientId) } : {}),
    );
    return { response: empty(200), audit: { jti, sub } };
  }, async (token, parsed, client, clock, families): Promise<{ response: HttpResponse; audit: AuditFields }> => {
    const limit = deps.revokeRateLimit;
    const out = await guardDependency(
      revokePresentedRefreshToken(token, parsed, client, clock, { config: deps.config, families, revocations: deps.revocations }, limit ? () => limit.admit(client.clientId) : undefined),
    );
    if (out.nothing) return { response: empty(200), audit: { reason: `nothing_to_revoke:${out.nothing}`, detail: { token_type: 'refresh_token' } } };
    return { response: empty(200), audit: { sub: out.sub, detail: { token_type: 'refresh_token', gid: out.gid! } } };
  });
}
