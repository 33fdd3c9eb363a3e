/**
 * Brute-force policy for client authentication (RFC 6749 §2.3.1, §10.10): the pure part.
 *
 * A client id's failed authentications are counted. The first `freeAttempts` cost nothing; every
 * further failure locks the id for base × 2^(n − freeAttempts − 1) seconds, capped at the max
 * (defaults 5 free, then 1, 2, 4, … 256, 300, 300 … seconds). The lock runs from that failure.
 * A count is forgotten `forgetAfterSeconds` (2 × the max lockout) after its last failure, or at
 * once when the client authenticates successfully.
 */
import type { Config } from '../config/types';
import { DEFAULTS } from '../config/defaults';
import type { LockoutState } from '../models/lockout';

export type { LockoutState };

export interface LockoutPolicy {
  freeAttempts: number;
  baseLockoutSeconds: number;
  maxLockoutSeconds: number;
  /** The record (and so the count) disappears this long after the last failure: its TTL. */
  forgetAfterSeconds: number;
}

export function lockoutPolicy(config: Pick<Config, 'bruteForce'>): LockoutPolicy {
  const bf = config.bruteForce;
  const freeAttempts = Math.floor(bf?.freeAttempts ?? DEFAULTS.bruteForceFreeAttempts);
  const baseLockoutSeconds = Math.max(1, bf?.baseLockoutSeconds ?? DEFAULTS.bruteForceBaseLockoutSeconds);
  const maxLockoutSeconds = Math.max(baseLockoutSeconds, bf?.maxLockoutSeconds ?? DEFAULTS.bruteForceMaxLockoutSeconds);
  return { freeAttempts, baseLockoutSeconds, maxLockoutSeconds, forgetAfterSeconds: 2 * maxLockoutSeconds };
}

/** Lock length after the `failures`-th failure: 0 while free, then exponential, capped. */
export function lockoutSeconds(failures: number, p: LockoutPolicy): number {
  const over = failures - p.freeAttempts;
  if (over <= 0) return 0;
  // 2^30 s is far past any cap: no overflow to Infinity for huge counts.
  return Math.min(p.maxLockoutSeconds, p.baseLockoutSeconds * 2 ** Math.min(over - 1, 30));
}

/** Epoch ms until which the id is locked (≤ now when it is not). */
export function lockedUntil(state: LockoutState | undefined, p: LockoutPolicy): number {
  if (!state) return 0;
  return state.lastFailureAt + lockoutSeconds(state.failures, p) * 1000;
}

/** Retry-After (whole seconds, at least 1) for a lock ending at `untilMs`. */
export const retryAfterSeconds = (untilMs: number, nowMs: number): number => Math.max(1, Math.ceil((untilMs - nowMs) / 1000));
