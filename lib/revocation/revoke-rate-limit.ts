/**
 * Per-client rate limit of POST /oauth2/revoke (RFC 7009).
 *
 * Every new revocation record reserves a position in the one feed-head item (lib/stores/dynamo/revocation-store.ts),
 * and one DynamoDB item takes about 1,000 writes a second: a client revoking token after token could take that from
 * everyone. So each client may write at most `maxRevocations` new records per fixed window of `windowSeconds`.
 *
 * What counts: only a revocation that is about to write a new record (the store's `beforeWrite`). A replay of an
 * already-revoked token, an expired or foreign token, garbage, and failed authentication never reach it: they cost
 * no write, and keep answering as RFC 7009 says.
 *
 * Shared across containers: one counter item per client and window, counted with ONE conditional UpdateItem
 * (lib/stores/dynamo/revoke-rate-limit-store.ts), so concurrent containers share the count exactly. That is one
 * write more on the path that already writes three items, and none on the others. Once the store refuses a
 * client for a window, this container refuses it from memory until the window ends (no store call).
 *
 * The answer past the limit: 429 with `Retry-After` (RFC 6585 §4), `{"error": "temporarily_unavailable", …}`
 * (the RFC 6749 registered code for a request the server cannot handle now; `slow_down` belongs to device polling),
 * no-store, and the endpoint's audit event with reason `rate_limited`. Fails closed: a count that cannot be written
 * is 503, as any store failure.
 */
import type { Clock } from '../core/clock';
import { systemClock } from '../core/clock';
import { DEFAULTS } from '../config/defaults';
import type { Config } from '../config/types';
import type { RevokeRateLimitStore } from '../stores/ports';
import { OAuthError } from '../core/errors';

export interface RevokeRateLimitPolicy {
  /** New revocation records one client may write per window. */
  maxRevocations: number;
  windowSeconds: number;
}



export const RATE_LIMITED_REASON = 'rate_limited';

export function revokeRateLimitPolicy(config: Pick<Config, 'revokeRateLimit'>): RevokeRateLimitPolicy {
  return {
    maxRevocations: config.revokeRateLimit?.maxRevocations ?? DEFAULTS.revokeRateLimitMaxRevocations,
    windowSeconds: config.revokeRateLimit?.windowSeconds ?? DEFAULTS.revokeRateLimitWindowSeconds,
  };
}

export function revokeRateLimitedError(retryAfterSeconds: number): OAuthError {
  return new OAuthError('temporarily_unavailable', 'Too many revocations by this client; retry after the Retry-After delay', {
    status: 429,
    headers: { 'Retry-After': String(retryAfterSeconds) },
    reason: RATE_LIMITED_REASON,
  });
}

export interface RevokeRateLimiterOptions {
  policy: RevokeRateLimitPolicy;
  clock?: Clock;
  /** Clients remembered as over the limit per container (oldest forgotten first). */
  maxEntries?: number;
}

export class RevokeRateLimiter {
  /** client id → end (ms) of a window the store refused it in. */
  private readonly full = new Map<string, number>();
  private readonly clock: Clock;
  private readonly maxEntries: number;

  constructor(
    private readonly store: RevokeRateLimitStore,
    private readonly opts: RevokeRateLimiterOptions,
  ) {
    this.clock = opts.clock ?? systemClock;
    this.maxEntries = opts.maxEntries ?? 10_000;
  }

  /** Resolves when the client may write one more revocation; rejects with the 429 error, or with the store's error. */
  async admit(clientId: string): Promise<void> {
    const now = this.clock.now();
    const windowMs = this.opts.policy.windowSeconds * 1000;
    const index = Math.floor(now / windowMs);
    const endsAtMs = (index + 1) * windowMs;
    const knownFullUntil = this.full.get(clientId);
    if (knownFullUntil !== undefined) {
      if (knownFullUntil > now) throw revokeRateLimitedError(retryAfter(knownFullUntil, now));
      this.full.delete(clientId);
    }
    if (await this.store.take(clientId, { index, endsAt: Math.ceil(endsAtMs / 1000) }, this.opts.policy.maxRevocations)) return;
    if (this.full.size >= this.maxEntries) {
      const oldest = this.full.keys().next().value;
      if (oldest !== undefined) this.full.delete(oldest);
    }
    this.full.set(clientId, endsAtMs);
    throw revokeRateLimitedError(retryAfter(endsAtMs, this.clock.now()));
  }
}

/** Whole seconds until the window ends, at least 1. */
const retryAfter = (untilMs: number, nowMs: number): number => Math.max(1, Math.ceil((untilMs - nowMs) / 1000));
