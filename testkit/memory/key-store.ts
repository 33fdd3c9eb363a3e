/** In-memory KeyStore: passes the same contract tests as the DynamoDB one (test/stores). */
import type { KeyRecord } from '../../lib/models/key';
import { ConflictError, NotFoundError, type KeyStore } from '../../lib/stores/ports';

export class MemoryKeyStore implements KeyStore {
  private readonly keys = new Map<string, KeyRecord>();

  async list(): Promise<KeyRecord[]> {
    return [...this.keys.values()].sort((a, b) => (a.kid < b.kid ? -1 : 1)).map((k) => structuredClone(k));
  }

  async get(kid: string): Promise<KeyRecord | undefined> {
    const k = this.keys.get(kid);
    return k && structuredClone(k);
  }

  async create(key: KeyRecord): Promise<void> {
    if (this.keys.has(key.kid)) throw new ConflictError();
    this.keys.set(key.kid, structuredClone(key));
  }

  async update(kid: string, change: (k: KeyRecord) => KeyRecord): Promise<KeyRecord> {
    const k = this.keys.get(kid);
    if (!k) throw new NotFoundError(`key ${kid}`);
    const next = change(structuredClone(k));
    this.keys.set(kid, structuredClone(next));
    return next;
  }
}
