/** Revocation: how the authorizer keeps its snapshot fresh, and the per-client rate limit of new revocations. */
import { DEFAULTS } from '../defaults';
import { num, oneOf, positiveInt, type Env } from '../env-values';
import type { Config } from '../types';

export function revocationSection(env: Env) {
  return {
    revocation: {
      mode: oneOf(env, 'PORTCULLIS_REVOCATION_MODE', ['snapshot', 'strict'], 'snapshot'),
      refreshMs: num(env, 'PORTCULLIS_REVOCATION_REFRESH_MS', DEFAULTS.revocationRefreshMs),
      maxStalenessMs: num(env, 'PORTCULLIS_REVOCATION_MAX_STALENESS_MS', DEFAULTS.revocationMaxStalenessMs),
    },
    revocationFullReloadMs: num(env, 'PORTCULLIS_REVOCATION_FULL_RELOAD_MS', DEFAULTS.revocationFullReloadMs),
    revokeRateLimit: {
      maxRevocations: positiveInt(env, 'PORTCULLIS_REVOKE_RATE_LIMIT_MAX_REVOCATIONS', DEFAULTS.revokeRateLimitMaxRevocations),
      windowSeconds: positiveInt(env, 'PORTCULLIS_REVOKE_RATE_LIMIT_WINDOW_SECONDS', DEFAULTS.revokeRateLimitWindowSeconds),
    },
  } satisfies Partial<Config>;
}
