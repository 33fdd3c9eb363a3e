/** Brute-force lockout of failed authentication (lib/lockout). */
import { DEFAULTS } from '../defaults';
import { num, type Env } from '../env-values';
import type { Config } from '../types';

export const bruteForceSection = (env: Env) =>
  ({
    bruteForce: {
      freeAttempts: num(env, 'PORTCULLIS_BRUTE_FORCE_FREE_ATTEMPTS', DEFAULTS.bruteForceFreeAttempts),
      baseLockoutSeconds: num(env, 'PORTCULLIS_BRUTE_FORCE_BASE_LOCKOUT_SECONDS', DEFAULTS.bruteForceBaseLockoutSeconds),
      maxLockoutSeconds: num(env, 'PORTCULLIS_BRUTE_FORCE_MAX_LOCKOUT_SECONDS', DEFAULTS.bruteForceMaxLockoutSeconds),
    },
  }) satisfies Partial<Config>;
