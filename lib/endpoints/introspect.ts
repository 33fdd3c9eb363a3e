/**
 * POST /oauth2/introspect (RFC 7662). Requires client authentication. A client may introspect the
 * tokens issued to itself; a client with the resource-server permission (`canIntrospectOthers`,
 * `clients create --introspect`) may introspect any token. Anything else — revoked, expired,
 * malformed, foreign issuer, unknown, or not the caller's to see — is exactly `{"active": false}`.
 * No clock skew: the server judges its own tokens by its own clock, so a token is inactive from `exp` on
 * (and while its `nbf` or `iat` is in the future). The skew is the authorizer's, for other machines' clocks.
 */
import type { HttpRequest } from '../http/request';
import { noStoreJson, type HttpResponse } from '../http/response';
import { guardDependency } from '../core/dependency-guard';
import { OAuthError } from '../core/errors';
import { tokenFacts } from '../models/revocation-match';
import { runPresentedTokenEndpoint, type PresentedTokenDeps } from './presented-token';

export function handleIntrospectionRequest(req: HttpRequest, deps: PresentedTokenDeps): Promise<HttpResponse> {
  return runPresentedTokenEndpoint(req, deps, 'token.introspected', 0, async (verified, client) => {
    // Introspection is for resource servers and confidential clients: a public client (auth method none) proves nothing.
    if (client.public) throw new OAuthError('invalid_client', 'Public clients cannot use introspection', { reason: 'public_client' });
    const c = verified.claims;
    let inactive: string | undefined = verified.reason;
    if (c && c.client_id !== client.clientId && !client.canIntrospectOthers) inactive = 'not_permitted';
    if (c && !inactive) {
      const hit = await guardDependency(deps.revocations.findForToken(tokenFacts(c)));
      if (hit) inactive = hit.reason;
    }
    if (inactive || !c) return { response: noStoreJson(200, { active: false }), audit: { reason: `inactive:${inactive}` } };
    const body = { active: true, scope: c.scope, client_id: c.client_id, sub: c.sub, aud: c.aud, iss: c.iss, exp: c.exp, iat: c.iat, jti: c.jti, token_type: 'Bearer' };
    return { response: noStoreJson(200, body), audit: { reason: 'active', jti: c.jti, sub: c.sub } };
  });
}
