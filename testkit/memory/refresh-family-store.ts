/** In-memory RefreshFamilyStore: passes the same contract tests as the DynamoDB one (test/stores). */
import type { Clock } from '../../lib/core/clock';
import { epochSeconds } from '../../lib/core/clock';
import type { RefreshFamily, RefreshState } from '../../lib/models/refresh-family';
import type { GrantRevocation, SessionRevocation } from '../../lib/models/revocation';
import { ConflictError, type RefreshFamilyStore, type RotateRequest, type UserStore } from '../../lib/stores/ports';
import type { MemoryRevocationStore } from './revocation-store';

export class MemoryRefreshFamilyStore implements RefreshFamilyStore {
  private readonly families = new Map<string, RefreshFamily>();
  /** Calls, as the DynamoDB store would make them (tests count them). */
  readonly calls: string[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly users: UserStore,
    private readonly revocations: MemoryRevocationStore,
  ) {}

  private key = (sub: string, familyKey: string) => JSON.stringify([sub, familyKey]);

  private live(sub: string, familyKey: string): RefreshFamily | undefined {
    const f = this.families.get(this.key(sub, familyKey));
    return f && f.expiresAt > epochSeconds(this.clock) ? f : undefined;
  }

  async create(family: RefreshFamily): Promise<void> {
    this.calls.push('PutItem');
    if (this.live(family.sub, family.familyKey)) throw new ConflictError('the refresh family exists');
    this.families.set(this.key(family.sub, family.familyKey), structuredClone(family));
  }

  async read(keys: { sub: string; familyKey: string; gid: string; sid: string }): Promise<RefreshState> {
    this.calls.push('BatchGetItem');
    const f = this.live(keys.sub, keys.familyKey);
    return {
      family: f && structuredClone(f),
      user: await this.users.get(keys.sub),
      grantRevocation: this.revocations.liveRecord('grant', keys.gid) as GrantRevocation | undefined,
      sessionRevocation: this.revocations.liveRecord('session', keys.sid) as SessionRevocation | undefined,
    };
  }

  async rotate(sub: string, familyKey: string, r: RotateRequest): Promise<boolean> {
    this.calls.push('UpdateItem');
    const f = this.live(sub, familyKey);
    if (!f || f.revokedAt !== undefined || f.expiresAt <= r.nowSeconds) return false;
    if (r.from === 'previous' ? !(f.previousHash === r.presentedHash && f.rotatedAt >= r.graceStartsAfter) : f.currentHash !== r.presentedHash) return false;
    f.generation += 1;
    f.lastUsedAt = r.nowSeconds;
    f.expiresAt = r.expiresAt;
    f.lastScopes = [...r.scopes];
    if (r.from === 'current') {
      f.previousHash = r.presentedHash;
      f.currentHash = r.newHash;
      f.rotatedAt = r.nowSeconds;
      f.retiredHashes = [...r.retiredHashes];
    } else if (r.from === 'previous') {
      f.currentHash = r.newHash;
    }
    return true;
  }

  async revoke(sub: string, familyKey: string, r: { nowSeconds: number; reason: string; by?: string }): Promise<boolean> {
    this.calls.push('UpdateItem');
    const f = this.live(sub, familyKey);
    if (!f || f.revokedAt !== undefined) return false;
    f.revokedAt = r.nowSeconds;
    f.revokedReason = r.reason;
    if (r.by) f.revokedBy = r.by;
    return true;
  }

  async get(sub: string, familyKey: string): Promise<RefreshFamily | undefined> {
    this.calls.push('GetItem');
    const f = this.live(sub, familyKey);
    return f && structuredClone(f);
  }

  async list(sub: string): Promise<RefreshFamily[]> {
    this.calls.push('Query');
    return [...this.families.values()].filter((f) => f.sub === sub && f.expiresAt > epochSeconds(this.clock)).map((f) => structuredClone(f));
  }
}
