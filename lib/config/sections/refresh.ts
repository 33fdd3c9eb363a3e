/** Refresh tokens (custom.portcullis.refreshTokens): the reuse grace window, the absolute and idle lifetimes. */
import { DEFAULTS } from '../defaults';
import { ConfigError, num, positiveInt, type Env } from '../env-values';
import type { Config } from '../types';

export function refreshSection(env: Env) {
  const reuseGraceSeconds = num(env, 'PORTCULLIS_REFRESH_REUSE_GRACE_SECONDS', DEFAULTS.refreshReuseGraceSeconds);
  if (!Number.isInteger(reuseGraceSeconds) || reuseGraceSeconds > 300) throw new ConfigError('refreshTokens.reuseGraceSeconds must be a whole number from 0 to 300');
  const absoluteLifetimeSeconds = positiveInt(env, 'PORTCULLIS_REFRESH_ABSOLUTE_LIFETIME_SECONDS', DEFAULTS.refreshAbsoluteLifetimeSeconds);
  const idleLifetimeSeconds = positiveInt(env, 'PORTCULLIS_REFRESH_IDLE_LIFETIME_SECONDS', DEFAULTS.refreshIdleLifetimeSeconds);
  if (absoluteLifetimeSeconds > DEFAULTS.refreshMaxAbsoluteLifetimeSeconds) {
    throw new ConfigError(`refreshTokens.absoluteLifetimeSeconds must be at most ${DEFAULTS.refreshMaxAbsoluteLifetimeSeconds} (90 days)`);
  }
  if (idleLifetimeSeconds > absoluteLifetimeSeconds) throw new ConfigError('refreshTokens.idleLifetimeSeconds must not exceed refreshTokens.absoluteLifetimeSeconds');
  return { refreshTokens: { reuseGraceSeconds, absoluteLifetimeSeconds, idleLifetimeSeconds } } satisfies Partial<Config>;
}
