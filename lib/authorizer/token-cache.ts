/**
 * Bounded, approximately least-recently-used cache keyed by the token string.
 * A Map keeps insertion order (first key = the eviction candidate). Moving an entry to the end on every hit
 * (delete + set) churns the Map's hash table: V8 leaves a hole per delete and rebuilds the table when it fills,
 * which under a repeated token was most of an authorizer decision's CPU (garbage collection). So a hit moves an
 * entry only when at least half the capacity was inserted or moved since it last was: an entry used at least once
 * per half-capacity of traffic is never evicted, and a hot token costs one Map lookup.
 */
interface Slot<V> {
  value: V;
  /** `tick` when the entry was inserted or last moved to the end. */
  at: number;
}

export class LruCache<V> {
  private readonly map = new Map<string, Slot<V>>();
  private tick = 0;
  private readonly refreshAfter: number;

  constructor(readonly capacity: number) {
    this.refreshAfter = Math.max(1, Math.floor(capacity / 2));
  }

  get size(): number {
    return this.map.size;
  }

  get(key: string): V | undefined {
    if (this.capacity <= 0) return undefined;
    const slot = this.map.get(key);
    if (slot === undefined) return undefined;
    if (this.tick - slot.at >= this.refreshAfter) {
      this.map.delete(key);
      slot.at = ++this.tick;
      this.map.set(key, slot);
    }
    return slot.value;
  }

  set(key: string, value: V): void {
    if (this.capacity <= 0) return;
    const slot = this.map.get(key);
    if (slot !== undefined) this.map.delete(key);
    else if (this.map.size >= this.capacity) this.map.delete(this.map.keys().next().value as string);
    this.map.set(key, { value, at: ++this.tick });
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }
}
