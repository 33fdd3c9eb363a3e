/**
 * In-memory RevocationStore: passes the same contract tests as the DynamoDB one (test/stores). Positions come
 * from the clock with a per-store sequence, so they sort in write order as the DynamoDB feed's do.
 */
import type { Clock } from '../../lib/core/clock';
import { epochSeconds } from '../../lib/core/clock';
import type { Config } from '../../lib/config/types';
import { hitFor } from '../../lib/models/revocation-match';
import type {
  ClientRevocation,
  GrantRevocation,
  RevocationFeedPage,
  RevocationHit,
  RevocationRecord,
  RevokeGrantInput,
  RevokeSessionInput,
  RevokeTokenInput,
  RevokeTokenOptions,
  SessionRevocation,
  SubjectRevocation,
  TokenFacts,
  TokenRevocation,
} from '../../lib/models/revocation';
import { encodePosition, laterPosition, positionBound } from '../../lib/stores/feed-position';
import { retention } from '../../lib/stores/keyspace';
import type { RevocationStore } from '../../lib/stores/ports';

interface Stored {
  record: RevocationRecord;
  expiresAt: number;
  position: string;
}

export class MemoryRevocationStore implements RevocationStore {
  private readonly records = new Map<string, Stored>();
  private lastMs = 0;
  private seq = 0;

  constructor(
    private readonly config: Pick<Config, 'clockSkewSeconds' | 'maxTokenLifetimeSeconds'>,
    private readonly clock: Clock,
  ) {}

  private nextPosition(): string {
    this.lastMs = Math.max(this.clock.now(), this.lastMs + 1);
    return encodePosition(this.lastMs, String(++this.seq).padStart(10, '0'));
  }

  private live(key: string): Stored | undefined {
    const s = this.records.get(key);
    return s && s.expiresAt > epochSeconds(this.clock) ? s : undefined;
  }

  async revokeToken(input: RevokeTokenInput, opts: RevokeTokenOptions = {}): Promise<TokenRevocation> {
    if (!input.jti) throw new TypeError('jti must be a non-empty string');
    const record: TokenRevocation = { kind: 'token', jti: input.jti, ...(input.client_id ? { client_id: input.client_id } : {}), ...(input.sub ? { sub: input.sub } : {}), exp: input.exp, revokedAt: epochSeconds(this.clock), ...(input.by ? { by: input.by } : {}) };
    const expiresAt = retention.revokedToken(input.exp, this.config.clockSkewSeconds);
    if (expiresAt <= epochSeconds(this.clock)) return record;
    const existing = this.live(`token#${input.jti}`);
    if (existing) return structuredClone(existing.record) as TokenRevocation;
    await opts.beforeWrite?.();
    this.records.set(`token#${input.jti}`, { record: structuredClone(record), expiresAt, position: this.nextPosition() });
    return record;
  }

  async revokeClient(clientId: string, opts: { notBefore: number; reason: 'revoked' | 'disabled'; by?: string }): Promise<ClientRevocation> {
    return this.moveNotBefore<ClientRevocation>(`client#${clientId}`, opts.notBefore, { kind: 'client', client_id: clientId, notBefore: opts.notBefore, reason: opts.reason, revokedAt: epochSeconds(this.clock), ...(opts.by ? { by: opts.by } : {}) });
  }

  async revokeSubject(sub: string, opts: { notBefore: number; by?: string }): Promise<SubjectRevocation> {
    return this.moveNotBefore<SubjectRevocation>(`subject#${sub}`, opts.notBefore, { kind: 'subject', sub, notBefore: opts.notBefore, revokedAt: epochSeconds(this.clock), ...(opts.by ? { by: opts.by } : {}) });
  }

  async revokeGrant(gid: string, input: RevokeGrantInput = {}): Promise<GrantRevocation> {
    if (!gid) throw new TypeError('gid must be a non-empty string');
    const existing = this.live(`grant#${gid}`);
    if (existing) return structuredClone(existing.record) as GrantRevocation;
    const revokedAt = epochSeconds(this.clock);
    const record: GrantRevocation = { kind: 'grant', gid, ...(input.sub ? { sub: input.sub } : {}), ...(input.client_id ? { client_id: input.client_id } : {}), revokedAt, ...(input.by ? { by: input.by } : {}) };
    const expiresAt = retention.revokedGrant(revokedAt, this.config.maxTokenLifetimeSeconds, this.config.clockSkewSeconds);
    this.records.set(`grant#${gid}`, { record: structuredClone(record), expiresAt, position: this.nextPosition() });
    return record;
  }

  async revokeSession(sid: string, input: RevokeSessionInput): Promise<SessionRevocation> {
    if (!sid) throw new TypeError('sid must be a non-empty string');
    return this.moveNotBefore<SessionRevocation>(`session#${sid}`, input.notBefore, { kind: 'session', sid, ...(input.sub ? { sub: input.sub } : {}), notBefore: input.notBefore, revokedAt: epochSeconds(this.clock), ...(input.by ? { by: input.by } : {}) });
  }

  private moveNotBefore<R extends ClientRevocation | SubjectRevocation | SessionRevocation>(key: string, notBefore: number, record: R): R {
    if (!Number.isSafeInteger(notBefore) || notBefore < 0) throw new TypeError('notBefore must be epoch seconds');
    if (notBefore > epochSeconds(this.clock) + retention.maxNotBeforeAheadSeconds) throw new RangeError('notBefore is too far in the future');
    const current = this.live(key);
    if (current && (current.record as R).notBefore >= notBefore) return structuredClone(current.record) as R;
    const expiresAt = retention.notBefore(notBefore, this.config.maxTokenLifetimeSeconds, this.config.clockSkewSeconds);
    if (expiresAt <= epochSeconds(this.clock)) return record;
    this.records.set(key, { record: structuredClone(record), expiresAt, position: this.nextPosition() });
    return record;
  }

  async findForToken(token: TokenFacts): Promise<RevocationHit | undefined> {
    const keys = [`token#${token.jti}`, `client#${token.client_id}`, `subject#${token.sub}`];
    if (token.gid !== undefined) keys.push(`grant#${token.gid}`);
    if (token.sid !== undefined) keys.push(`session#${token.sid}`);
    for (const key of keys) {
      const hit = hitFor(this.live(key)?.record, token);
      if (hit) return structuredClone(hit);
    }
    return undefined;
  }

  async readFeed(after?: string): Promise<RevocationFeedPage> {
    const from = after ?? positionBound(0);
    const all = [...this.records.values()].filter((s) => s.position > from).sort((a, b) => (a.position < b.position ? -1 : 1));
    const now = epochSeconds(this.clock);
    return {
      entries: all.filter((s) => s.expiresAt > now).map((s) => ({ record: structuredClone(s.record), expiresAt: s.expiresAt, position: s.position })),
      position: laterPosition(from, all.at(-1)?.position)!,
    };
  }
}
