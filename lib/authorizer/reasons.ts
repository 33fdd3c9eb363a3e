/**
 * Stable reason codes of the authorizer (audit trail only; never sent to the caller).
 * ScopeReason → 403 (insufficient_scope); everything else → 401 (invalid_token, or no error attribute for `missing`).
 */
import type { TokenReason } from '../jose/reasons';
import type { RevocationReason } from '../revocation/types';

export type { TokenReason };

export type ScopeReason = 'insufficient_scope' | 'route_not_declared';

export type DenyReason = TokenReason | RevocationReason | ScopeReason | 'internal_error';
