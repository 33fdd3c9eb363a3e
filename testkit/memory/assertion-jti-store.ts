/** In-memory AssertionJtiStore: passes the same contract tests as the DynamoDB one (test/stores). */
import type { AssertionJtiStore } from '../../lib/stores/ports';

export class MemoryAssertionJtiStore implements AssertionJtiStore {
  /** [client id, jti] → expiresAt (epoch seconds). */
  private readonly used = new Map<string, number>();
  /** Set to make every call fail, as an unavailable store would. */
  failWith?: Error;
  writes = 0;

  /** Check and write in one synchronous step: atomic, as the conditional PutItem is. */
  async claim(clientId: string, jti: string, opts: { expiresAt: number; nowSeconds: number }): Promise<boolean> {
    if (this.failWith) throw this.failWith;
    this.writes++;
    const key = JSON.stringify([clientId, jti]);
    const live = this.used.get(key);
    if (live !== undefined && live > opts.nowSeconds) return false;
    this.used.set(key, opts.expiresAt);
    return true;
  }
}
