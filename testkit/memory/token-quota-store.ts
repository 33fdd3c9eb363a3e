/** In-memory TokenQuotaStore: passes the same contract tests as the DynamoDB one (test/stores). */
import type { RateWindow } from '../../lib/models/revocation';
import type { TokenQuotaStore } from '../../lib/stores/ports';

export class MemoryTokenQuotaStore implements TokenQuotaStore {
  private readonly counts = new Map<string, number>();
  /** Set to make every call fail, as an unavailable store would. */
  failWith?: Error;
  calls = 0;

  async take(clientId: string, window: RateWindow, limit: number): Promise<boolean> {
    if (this.failWith) throw this.failWith;
    this.calls++;
    const key = `${clientId}#${window.index}`;
    const n = this.counts.get(key) ?? 0;
    if (n >= limit) return false;
    this.counts.set(key, n + 1);
    return true;
  }

  async used(clientId: string, window: RateWindow): Promise<number> {
    if (this.failWith) throw this.failWith;
    return this.counts.get(`${clientId}#${window.index}`) ?? 0;
  }
}
