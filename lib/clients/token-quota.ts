/**
 * Per-client token quotas (`clients create|update --max-tokens-per-minute N`): the token endpoint issues a client
 * at most N tokens per fixed one-minute window, counted across every container.
 *
 * Exact across containers: one counter item per client and window, counted with ONE conditional UpdateItem
 * (lib/stores/dynamo/token-quota-store.ts) that refuses once the window holds N, so concurrent containers share the
 * count exactly. Only clients with a quota pay that write; the others cost nothing. Once the store refuses a client
 * for a window, this container refuses it from memory until the window ends (no store call).
 *
 * The answer over the quota: 429 (RFC 6585 §4) with `Retry-After: <seconds until the window ends>` and
 * `{"error": "slow_down", …}`. Why `slow_down`: it is the error code registered for token endpoint responses
 * (RFC 8628 §3.5, IANA "OAuth Extensions Error" registry) that means "you are asking too often, back off" — the
 * client's doing, which a client library can tell apart from `temporarily_unavailable` (the server's trouble,
 * defined for the authorization endpoint) and from `invalid_client` (its credentials). The request was fine
 * otherwise: retried after Retry-After it succeeds. The endpoint audits `token.denied` with reason
 * `quota_exceeded` (metric `TokenDenied{reason=slow_down}`). Fails closed: a count that cannot be written is 503.
 */
import type { Clock } from '../core/clock';
import { systemClock } from '../core/clock';
import { DEFAULTS } from '../config/defaults';
import { OAuthError } from '../core/errors';
import type { RateWindow } from '../models/revocation';
import type { TokenQuotaStore } from '../stores/ports';

export const QUOTA_EXCEEDED_REASON = 'quota_exceeded';

export function quotaExceededError(retryAfterSeconds: number): OAuthError {
  return new OAuthError('slow_down', 'The client has used its token quota for this minute; retry after the Retry-After delay', {
    status: 429,
    headers: { 'Retry-After': String(retryAfterSeconds) },
    reason: QUOTA_EXCEEDED_REASON,
  });
}

/** The fixed window a moment (ms) falls in. */
export function quotaWindow(nowMs: number, windowSeconds: number = DEFAULTS.tokenQuotaWindowSeconds): RateWindow & { endsAtMs: number } {
  const windowMs = windowSeconds * 1000;
  const index = Math.floor(nowMs / windowMs);
  const endsAtMs = (index + 1) * windowMs;
  return { index, endsAt: Math.ceil(endsAtMs / 1000), endsAtMs };
}

/** Whole seconds until the window ends, at least 1. */
const retryAfter = (untilMs: number, nowMs: number): number => Math.max(1, Math.ceil((untilMs - nowMs) / 1000));

export interface TokenQuotaOptions {
  clock?: Clock;
  windowSeconds?: number;
  /** Clients remembered as over their quota per container (oldest forgotten first). */
  maxEntries?: number;
}

export class TokenQuota {
  /** client id → end (ms) of a window the store refused it in. */
  private readonly full = new Map<string, number>();
  private readonly clock: Clock;
  private readonly windowSeconds: number;
  private readonly maxEntries: number;

  constructor(
    private readonly store: TokenQuotaStore,
    opts: TokenQuotaOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.windowSeconds = opts.windowSeconds ?? DEFAULTS.tokenQuotaWindowSeconds;
    this.maxEntries = opts.maxEntries ?? 10_000;
  }

  /** Resolves when the client may have one more token now; rejects with the 429 error, or with the store's error. */
  async admit(clientId: string, maxTokensPerWindow: number): Promise<void> {
    const now = this.clock.now();
    const knownFullUntil = this.full.get(clientId);
    if (knownFullUntil !== undefined) {
      if (knownFullUntil > now) throw quotaExceededError(retryAfter(knownFullUntil, now));
      this.full.delete(clientId);
    }
    const w = quotaWindow(now, this.windowSeconds);
    if (await this.store.take(clientId, w, maxTokensPerWindow)) return;
    if (this.full.size >= this.maxEntries) {
      const oldest = this.full.keys().next().value;
      if (oldest !== undefined) this.full.delete(oldest);
    }
    this.full.set(clientId, w.endsAtMs);
    throw quotaExceededError(retryAfter(w.endsAtMs, this.clock.now()));
  }
}

/** What `clients show` displays: the quota, the tokens issued in the current window, and when it ends. */
export async function quotaUse(store: TokenQuotaStore, clientId: string, nowMs: number, windowSeconds: number = DEFAULTS.tokenQuotaWindowSeconds) {
  const w = quotaWindow(nowMs, windowSeconds);
  return { tokens_this_window: await store.used(clientId, w), window_seconds: windowSeconds, window_ends_at: new Date(w.endsAtMs).toISOString() };
}
