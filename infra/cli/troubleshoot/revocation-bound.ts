/**
 * How long a revocation takes to reach the gateway (README "Revocation"), from the configuration:
 *   snapshot: refresh interval + feed index lag (typical), the staleness bound + the feed overlap (at most, for a record
 *             the index delivers within the overlap; a later one waits for the next full re-read of the feed);
 *   strict:   no staleness in the authorizer;
 *   both:     + the API Gateway authorizer result cache TTL (a cached Allow is replayed that long).
 */
import { DEFAULTS } from '../../../lib/config/defaults';
import type { Config } from '../../../lib/config/types';
import { humanMs } from './durations';

/** What the README calls "usually under 1 s". */
export const FEED_INDEX_LAG_MS = 1_000;

export interface RevocationBound {
  typicalMs: number;
  maxMs: number;
  /** One sentence. */
  text: string;
}

export function revocationBound(config: Pick<Config, 'revocation' | 'revocationFullReloadMs'>, authorizerCacheSeconds: number): RevocationBound {
  const cacheMs = Math.max(0, authorizerCacheSeconds) * 1000;
  const cache = cacheMs > 0 ? ` + ${authorizerCacheSeconds} s authorizer result cache` : '';
  if (config.revocation.mode === 'strict') {
    return {
      typicalMs: cacheMs,
      maxMs: cacheMs,
      text: `strict mode: every decision reads the table${cacheMs ? `; a cached Allow is replayed for up to ${authorizerCacheSeconds} s` : ', so a revocation applies to the next request'}`,
    };
  }
  const typicalMs = config.revocation.refreshMs + FEED_INDEX_LAG_MS + cacheMs;
  const maxMs = config.revocation.maxStalenessMs + DEFAULTS.revocationFeedOverlapMs + cacheMs;
  return {
    typicalMs,
    maxMs,
    text:
      `about ${humanMs(typicalMs)} typical (${config.revocation.refreshMs} ms refresh + feed index lag${cache}), at most ${humanMs(maxMs)} (${config.revocation.maxStalenessMs} ms staleness bound + ${DEFAULTS.revocationFeedOverlapMs} ms feed overlap${cache}); ` +
      `a record the feed index delivers more than ${DEFAULTS.revocationFeedOverlapMs} ms late is applied at the next full re-read, up to ${humanMs(config.revocationFullReloadMs + config.revocation.maxStalenessMs)} after it arrives (alarm LateRevocationRecords)`,
  };
}
