/**
 * Stable reason codes of the authorizer (audit trail only; never sent to the caller).
 * ScopeReason → 403 (insufficient_scope); everything else → 401 (invalid_token, or no error attribute for `missing`).
 */
import type { TokenReason } from '../jose/reasons';
import type { RevocationReason } from '../models/revocation';

export type { TokenReason };

/** `non_canonical_path`: with an authorizer result cache, a path spelled other than canonically (path-forms.ts). */
export type ScopeReason = 'insufficient_scope' | 'route_not_declared' | 'non_canonical_path';

export const isScopeReason = (r: string): r is ScopeReason => r === 'insufficient_scope' || r === 'route_not_declared' || r === 'non_canonical_path';

/** Fail closed: the last good JWKS is older than PORTCULLIS_JWKS_MAX_STALENESS_SECONDS (fetches keep failing), or there is none. */
export type KeysReason = 'jwks_unavailable';

export type DenyReason = TokenReason | KeysReason | RevocationReason | ScopeReason | 'internal_error';
