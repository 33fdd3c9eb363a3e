/**
 * The timings a rotation is derived from, resolved from the config with their defaults.
 * All in seconds.
 *
 *   publish lead   = maxStaleness + jwksCache
 *     A new key is in the JWKS of every container within maxStaleness of its creation, and every
 *     verifier has refetched the JWKS within jwksCache after that: only then may it sign.
 *   retire after   = maxStaleness + maxTokenLifetime + clockSkew
 *     Counted from the moment a key stops being the active one (its successor's activation).
 *     A container may keep signing with it for up to maxStaleness (immediate rotation, stale list);
 *     its last token lives maxTokenLifetime, and verifiers accept it clockSkew longer.
 */
import type { Config } from '../config/types';
import { DEFAULTS } from '../config/defaults';

export interface KeyTimings {
  cacheSeconds: number;
  maxStalenessSeconds: number;
  jwksCacheSeconds: number;
  maxTokenLifetimeSeconds: number;
  clockSkewSeconds: number;
}

export function keyTimings(config: Config): KeyTimings {
  const cacheSeconds = config.keys?.cacheSeconds ?? DEFAULTS.keyCacheSeconds;
  return {
    cacheSeconds,
    // Never below the cache lifetime: a list is always used at least that long.
    maxStalenessSeconds: Math.max(cacheSeconds, config.keys?.maxStalenessSeconds ?? DEFAULTS.keyMaxStalenessSeconds),
    jwksCacheSeconds: config.keys?.jwksCacheSeconds ?? DEFAULTS.jwksCacheSeconds,
    maxTokenLifetimeSeconds: config.maxTokenLifetimeSeconds,
    clockSkewSeconds: config.clockSkewSeconds,
  };
}

/** `Cache-Control: public, max-age=<this>` for the JWKS response. */
export const jwksCacheSeconds = (config: Config): number => keyTimings(config).jwksCacheSeconds;

/** The JWKS response's Cache-Control header value. */
export const jwksCacheControl = (config: Config): string => `public, max-age=${jwksCacheSeconds(config)}`;

/** How long a new key is published before it signs. */
export const publishLeadSeconds = (t: KeyTimings): number => t.maxStalenessSeconds + t.jwksCacheSeconds;

/** How long a superseded key stays published after its successor activates. */
export const retireAfterSeconds = (t: KeyTimings): number => t.maxStalenessSeconds + t.maxTokenLifetimeSeconds + t.clockSkewSeconds;
