/**
 * Default revocation mode: each authorizer container answers from an in-memory snapshot and refreshes it
 * incrementally from the feed index. Zero DynamoDB calls per decision in steady state.
 *
 * - Refresh: lazily, from `check`, at most one in flight and at most one started per `refreshMs`. It runs in
 *   the background: the decision is answered synchronously from the snapshot. (Lambda freezes the container
 *   between invocations, so timers would not help; the next decision finishes the job.)
 * - Each refresh reads the feed from `overlapMs` before the older of the highest position seen and the start of the
 *   last successful refresh (GSI eventual consistency). Taking the older one means that other writers moving the
 *   position (a client revoking its own tokens, a writer whose clock runs ahead) cannot push the read past a record
 *   that reaches the index within `overlapMs` of being written, and that a store outage skips nothing.
 *   Merging is idempotent, so the overlap is deduplicated. (After a writer whose clock runs far ahead, positions run
 *   ahead of time until real time catches up, and each read re-reads what was written since: correct, but costlier.)
 * - Every `fullReloadMs` a refresh re-reads the whole feed horizon instead (what the cold start reads), so a record
 *   that reaches the index later than `overlapMs`, whatever its lag, is still applied. A record that only this re-read
 *   finds and that changes the snapshot is reported to `onLateRecord` (the alarm).
 * - Fail closed: a snapshot whose last successful refresh STARTED more than `maxStalenessMs` ago is stale.
 *   A decision on a stale snapshot waits for a refresh (cold start, or a container idle or frozen for a while);
 *   if that refresh fails, the answer is 'revocation_state_stale' (deny). While the store keeps failing, one
 *   attempt per `refreshMs` is made and the decisions in between are denied at once.
 * - Entries past their TTL are pruned (at most every PRUNE_INTERVAL_MS), so memory is bounded by the live records.
 */
import type { Clock } from '../core/clock';
import { systemClock } from '../core/clock';
import { laterPosition, positionBound, positionMs } from '../stores/feed-position';
import { RevocationSnapshot, type SnapshotSize } from './revocation-snapshot';
import { revokedId, type LateRevocationRecord, type RevocationFeedEntry, type RevocationReason, type TokenFacts } from '../models/revocation';
import type { RevocationChecker } from './checker';
import type { RevocationStore } from '../stores/ports';

const PRUNE_INTERVAL_MS = 10_000;

export interface SnapshotCheckerOptions {
  /** At most one feed read per this interval per container. */
  refreshMs: number;
  /** Deny ('revocation_state_stale') once the last successful refresh started longer ago than this. */
  maxStalenessMs: number;
  /** Re-read this far behind the older of the last feed position and the last successful refresh. */
  overlapMs: number;
  /** Re-read the whole feed horizon this often (a record the index delivered later than overlapMs). */
  fullReloadMs: number;
  /** A refresh still pending after this long (e.g. frozen mid-request) no longer blocks a new one. */
  abandonAfterMs: number;
  clock?: Clock;
  /** Called with each refresh failure (for a log line; the error carries no token). */
  onRefreshError?: (err: unknown) => void;
  /** Called with each record that only a full re-read found and that changed the snapshot (for a log line and the alarm). */
  onLateRecord?: (record: LateRevocationRecord) => void;
}

export interface SnapshotStats extends SnapshotSize {
  /** Start time (ms) of the last successful refresh; -Infinity before the first. */
  lastSuccessAt: number;
  /** Start time (ms) of the last successful full re-read (the cold start's included). */
  lastFullReadAt: number;
  position?: string;
  refreshes: number;
  failures: number;
  /** Records only a full re-read found (see onLateRecord). */
  lateRecords: number;
}

const STALE: RevocationReason = 'revocation_state_stale';

export class SnapshotRevocationChecker implements RevocationChecker {
  private readonly snapshot = new RevocationSnapshot();
  private readonly clock: Clock;
  private position: string | undefined;
  private lastSuccessAt = -Infinity;
  private lastFullReadAt = -Infinity;
  private lastAttemptAt = -Infinity;
  private lastFailureAt = -Infinity;
  private lastPruneAt = -Infinity;
  private inflight: { promise: Promise<boolean>; startedAt: number } | undefined;
  private refreshes = 0;
  private failures = 0;
  private lateRecords = 0;

  constructor(
    private readonly store: RevocationStore,
    private readonly opts: SnapshotCheckerOptions,
  ) {
    this.clock = opts.clock ?? systemClock;
  }

  check(token: TokenFacts): RevocationReason | null | Promise<RevocationReason | null> {
    const now = this.clock.now();
    if (now - this.lastSuccessAt <= this.opts.maxStalenessMs) {
      if (now - this.lastAttemptAt >= this.opts.refreshMs && !this.refreshPending(now)) void this.refresh();
      return this.snapshot.lookup(token);
    }
    // Stale (or never loaded): wait for a refresh rather than deny a container that was merely idle.
    let pending: Promise<boolean>;
    if (this.refreshPending(now)) pending = this.inflight!.promise;
    else if (now - this.lastFailureAt < this.opts.refreshMs) return STALE; // failing store: one attempt per interval
    else pending = this.refresh();
    return pending.then(() => (this.clock.now() - this.lastSuccessAt <= this.opts.maxStalenessMs ? this.snapshot.lookup(token) : STALE));
  }

  /** Loads the snapshot now (cold start during Lambda init). Never rejects. */
  ready(): Promise<boolean> {
    return this.refreshPending(this.clock.now()) ? this.inflight!.promise : this.refresh();
  }

  /** Starts one feed read and merges it; resolves true on success, false on failure. Never rejects. */
  refresh(): Promise<boolean> {
    const startedAt = this.clock.now();
    this.lastAttemptAt = startedAt;
    // Where an incremental read starts now: every record at or before it that is not in the snapshot yet reached
    // the index too late for the incremental reads, which will never look there again.
    const incrementalFrom = this.incrementalFrom();
    const full = incrementalFrom === undefined || startedAt - this.lastFullReadAt >= this.opts.fullReloadMs;
    const promise = this.store.readFeed(full ? undefined : incrementalFrom).then(
      (page) => {
        const now = this.clock.now();
        const nowS = Math.floor(now / 1000);
        for (const entry of page.entries) {
          const changed = this.snapshot.apply(entry, nowS);
          if (changed && full && incrementalFrom !== undefined && entry.position <= incrementalFrom) this.reportLate(entry, now);
        }
        this.position = laterPosition(this.position, page.position);
        this.lastSuccessAt = Math.max(this.lastSuccessAt, startedAt);
        if (full) this.lastFullReadAt = Math.max(this.lastFullReadAt, startedAt);
        this.refreshes++;
        if (this.clock.now() - this.lastPruneAt >= PRUNE_INTERVAL_MS) {
          this.lastPruneAt = this.clock.now();
          this.snapshot.prune(nowS);
        }
        return true;
      },
      (err: unknown) => {
        this.lastFailureAt = Math.max(this.lastFailureAt, startedAt);
        this.failures++;
        try {
          this.opts.onRefreshError?.(err);
        } catch {
          // a failing logger must not turn into an allow or a crash
        }
        return false;
      },
    );
    const entry = { promise, startedAt };
    this.inflight = entry;
    void promise.then(() => {
      if (this.inflight === entry) this.inflight = undefined;
    });
    return promise;
  }

  /** Resolves once no refresh is in flight (tests). */
  async idle(): Promise<void> {
    while (this.inflight) await this.inflight.promise;
  }

  stats(): SnapshotStats {
    return {
      ...this.snapshot.size(),
      lastSuccessAt: this.lastSuccessAt,
      lastFullReadAt: this.lastFullReadAt,
      position: this.position,
      refreshes: this.refreshes,
      failures: this.failures,
      lateRecords: this.lateRecords,
    };
  }

  /**
   * The bound an incremental read starts after: `overlapMs` before the older of the highest position seen and the
   * start of the last successful refresh. Undefined before the first successful load.
   */
  private incrementalFrom(): string | undefined {
    if (this.position === undefined) return undefined;
    return positionBound(Math.min(positionMs(this.position), this.lastSuccessAt) - this.opts.overlapMs);
  }

  private reportLate(entry: RevocationFeedEntry, now: number): void {
    this.lateRecords++;
    const r = entry.record;
    const id = revokedId(r);
    try {
      this.opts.onLateRecord?.({ kind: r.kind, id, position: entry.position, lagMs: now - positionMs(entry.position) });
    } catch {
      // a failing logger must not break the refresh
    }
  }

  private refreshPending(now: number): boolean {
    return this.inflight !== undefined && now - this.inflight.startedAt < this.opts.abandonAfterMs;
  }
}
