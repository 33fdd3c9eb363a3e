/**
 * Keeps client records in memory for a bounded time, so the token endpoint's steady state
 * needs no DynamoDB read per request. A disabled client or a retired secret takes effect within the TTL.
 * Unknown ids are cached too (briefly), so guessing ids does not turn into store reads.
 */
import type { Clock } from '../core/clock';
import { systemClock } from '../core/clock';
import type { ClientStore } from '../stores/ports';
import type { ClientRecord } from '../models/client';

/** Longer ids are unknown without a store read. */
export const MAX_CLIENT_ID_CHARS = 256;

interface Entry {
  at: number;
  value: ClientRecord | undefined;
}

export class CachedClientLookup {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly store: ClientStore,
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly clock: Clock = systemClock,
  ) {}

  async get(clientId: string): Promise<ClientRecord | undefined> {
    // No client has such an id (they are generated, ~20 characters); DynamoDB would refuse the key anyway.
    if (clientId.length > MAX_CLIENT_ID_CHARS) return undefined;
    const now = this.clock.now();
    const hit = this.entries.get(clientId);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    const value = await this.store.get(clientId);
    if (this.entries.size >= this.maxEntries) {
      // Drop the oldest insertion (Map keeps insertion order).
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.delete(clientId);
    this.entries.set(clientId, { at: now, value });
    return value;
  }

  /** Forget a client now (after an admin change in the same process). */
  invalidate(clientId: string): void {
    this.entries.delete(clientId);
  }
}
