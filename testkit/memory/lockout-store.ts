/** In-memory LockoutStore: passes the same contract tests as the DynamoDB one (test/stores). */
import type { LockoutState } from '../../lib/models/lockout';
import type { LockoutStore } from '../../lib/stores/ports';

export class MemoryLockoutStore implements LockoutStore {
  private readonly states = new Map<string, LockoutState>();

  private live(id: string, nowMs: number): LockoutState | undefined {
    const s = this.states.get(id);
    return s && s.expiresAt > Math.floor(nowMs / 1000) ? { ...s } : undefined;
  }

  async get(id: string, nowMs: number): Promise<LockoutState | undefined> {
    return this.live(id, nowMs);
  }

  /** Read and write in one synchronous step: atomic, as the DynamoDB UpdateItem is. */
  async recordFailure(id: string, opts: { nowMs: number; ttlSeconds: number }): Promise<LockoutState> {
    const live = this.live(id, opts.nowMs);
    const next: LockoutState = { failures: (live?.failures ?? 0) + 1, lastFailureAt: opts.nowMs, expiresAt: Math.floor(opts.nowMs / 1000) + opts.ttlSeconds };
    this.states.set(id, next);
    return { ...next };
  }

  async clear(id: string, nowMs: number): Promise<void> {
    this.states.set(id, { failures: 0, lastFailureAt: 0, expiresAt: Math.floor(nowMs / 1000) });
  }
}
