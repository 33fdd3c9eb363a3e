/** In-memory ConsentStore (same contract as DynamoDB's). */
import type { ConsentRecord } from '../../lib/models/consent';
import type { ConsentStore } from '../../lib/stores/ports';

export class MemoryConsentStore implements ConsentStore {
  private readonly consents = new Map<string, ConsentRecord>();
  private readonly key = (sub: string, clientId: string) => JSON.stringify([sub, clientId]);

  async get(sub: string, clientId: string): Promise<ConsentRecord | undefined> {
    const c = this.consents.get(this.key(sub, clientId));
    return c && structuredClone(c);
  }

  async grant(sub: string, clientId: string, scopes: string[], nowSeconds: number): Promise<ConsentRecord> {
    const current = this.consents.get(this.key(sub, clientId));
    const next: ConsentRecord = current
      ? { ...current, scopes: [...new Set([...current.scopes, ...scopes])], updatedAt: nowSeconds }
      : { sub, clientId, scopes: [...new Set(scopes)], grantedAt: nowSeconds, updatedAt: nowSeconds };
    this.consents.set(this.key(sub, clientId), next);
    return structuredClone(next);
  }

  async list(sub: string): Promise<ConsentRecord[]> {
    return [...this.consents.values()].filter((c) => c.sub === sub).map((c) => structuredClone(c));
  }

  async revoke(sub: string, clientId?: string): Promise<number> {
    const targets = [...this.consents.values()].filter((c) => c.sub === sub && (clientId === undefined || c.clientId === clientId));
    for (const c of targets) this.consents.delete(this.key(c.sub, c.clientId));
    return targets.length;
  }
}
