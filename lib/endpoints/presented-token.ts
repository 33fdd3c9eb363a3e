/** The shared shape of the revocation and introspection endpoints: an authenticated client presents a token. */
import type { AuditEventName } from '../audit/types';
import type { CachedClientLookup } from '../clients/client-cache';
import { OAuthError } from '../core/errors';
import { runClientEndpoint, type AuditFields, type ClientEndpointDeps } from './client-endpoint';
import type { FormParams } from '../http/form';
import type { HttpRequest } from '../http/request';
import type { HttpResponse } from '../http/response';
import type { KeyRing } from '../keys/key-ring';
import type { RevokeRateLimiter } from '../revocation/revoke-rate-limit';
import { guardDependency } from '../core/dependency-guard';
import { verifyOwnToken, type OwnTokenResult } from '../tokens/verify-own';
import type { ClientRecord } from '../models/client';
import type { RefreshFamilyStore, RevocationStore } from '../stores/ports';
import type { Clock } from '../core/clock';
import { parseRefreshToken, type ParsedRefreshToken } from '../refresh/refresh-token';

export interface PresentedTokenDeps extends ClientEndpointDeps {
  clients: CachedClientLookup;
  keyRing: KeyRing;
  revocations: RevocationStore;
  /** Per-client rate limit of new revocations (revoke endpoint only); none when absent (unit tests). */
  revokeRateLimit?: RevokeRateLimiter;
  /** Refresh-token families: refresh tokens are revoked and introspected too (absent: only access tokens are known). */
  refreshFamilies?: RefreshFamilyStore;
}

/** The endpoint's work for a presented refresh token (recognised by its shape, whatever token_type_hint says). */
export type RefreshTokenWork = (
  token: string,
  parsed: ParsedRefreshToken,
  client: ClientRecord,
  clock: Clock,
  families: RefreshFamilyStore,
) => Promise<{ response: HttpResponse; audit: AuditFields }>;

const requireToken = (params: FormParams): void => {
  if (!params.get('token')) throw new OAuthError('invalid_request', 'The token parameter is required', { reason: 'missing_token' });
};

/**
 * Form, client authentication, `token` required and verified against this issuer's keys, one audit event.
 * `clockSkewSeconds`: the tolerance on exp/nbf/iat (see verifyOwnToken).
 */
export function runPresentedTokenEndpoint(
  req: HttpRequest,
  deps: PresentedTokenDeps,
  event: AuditEventName,
  clockSkewSeconds: number,
  work: (verified: OwnTokenResult, client: ClientRecord) => Promise<{ response: HttpResponse; audit: AuditFields }>,
  refreshWork?: RefreshTokenWork,
): Promise<HttpResponse> {
  return runClientEndpoint(
    req,
    deps,
    { success: event, failure: event },
    async ({ params, client }, clock) => {
      const token = params.get('token')!;
      const parsed = deps.refreshFamilies && refreshWork ? parseRefreshToken(token) : undefined;
      if (parsed) return refreshWork!(token, parsed, client, clock, deps.refreshFamilies!);
      return work(await guardDependency(verifyOwnToken(token, { config: deps.config, keyRing: deps.keyRing, clock, clockSkewSeconds })), client);
    },
    requireToken,
  );
}
