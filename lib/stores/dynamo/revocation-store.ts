/**
 * Revocation records in the shared table.
 *   revocation#token#<jti>      one revoked token          TTL exp + skew
 *   revocation#client#<id>      client "not before" epoch  TTL notBefore + max lifetime + skew
 *   revocation#subject#<sub>    subject "not before" epoch TTL notBefore + max lifetime + skew
 *   revocation#grant#<gid>      a revoked grant (family)   TTL revokedAt + max lifetime + skew
 *   revocation#session#<sid>    session "not before" epoch TTL notBefore + max lifetime + skew
 * (sk = "revocation" for all, so a token's possible records are one BatchGetItem.)
 *
 * Every write also lands in the `feed` GSI (gsi1pk = "revocations", gsi1sk = position), so an authorizer
 * reads what changed since its last position with one Query. Positions come from a hybrid logical clock
 * kept in one head item (revocation#feed / head): position ms = max(writer clock, head + 1 ms), written back
 * with a conditional put. A writer whose clock is behind (an operator's laptop running the CLI) therefore
 * never writes behind a position that readers may already have passed.
 * Single-item conditional writes only; no transactions.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock';
import { epochSeconds, systemClock } from '../../core/clock';
import { DEFAULTS } from '../../config/defaults';
import type { Config } from '../../config/types';
import { encodePosition, laterPosition, positionBound, positionMs } from '../feed-position';
import { hitFor } from '../../models/revocation-match';
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
} from '../../models/revocation';
import { keyspace, retention, sortKeys } from '../keyspace';
import { ConflictError, type RevocationStore } from '../ports';
import type { DocTable, StoredDoc } from './doc-table';

/** gsi1pk of every revocation record. */
export const REVOCATION_FEED = keyspace.revocationFeed;
const SK = sortKeys.revocation;
const HEAD = { pk: keyspace.revocationFeedHead, sk: sortKeys.revocationFeedHead };
export const revocationKeys = {
  token: keyspace.revokedToken,
  client: keyspace.revokedClient,
  subject: keyspace.revokedSubject,
  grant: keyspace.revokedGrant,
  session: keyspace.revokedSession,
};

export type RevocationStoreOptions = Pick<Config, 'clockSkewSeconds' | 'maxTokenLifetimeSeconds'> & {
  /** Grant and session records are also read by refreshes: kept as long as a refresh-token family may live. */
  refreshTokens?: Pick<Config['refreshTokens'], 'absoluteLifetimeSeconds'>;
};

interface FeedHead {
  ms: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function requireText(name: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${name} must be a non-empty string`);
}

function requireEpoch(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new TypeError(`${name} must be epoch seconds`);
}

export class DynamoRevocationStore implements RevocationStore {
  constructor(
    private readonly table: DocTable,
    private readonly opts: RevocationStoreOptions,
    private readonly clock: Clock = systemClock,
    private readonly suffix: () => string = () => randomBytes(5).toString('hex'),
  ) {}

  /** How far back the cold-start load reads: every record written earlier has expired. */
  private horizonMs(): number {
    const { maxTokenLifetimeSeconds, clockSkewSeconds } = this.opts;
    return (maxTokenLifetimeSeconds + 2 * clockSkewSeconds + DEFAULTS.revocationFeedHorizonMarginSeconds) * 1000;
  }

  /**
   * The next feed position (hybrid logical clock, see the header). Two calls: a consistent get and a conditional put
   * (one, when the caller has just read the head consistently).
   */
  private async nextPosition(read?: { head: StoredDoc<FeedHead> | undefined }): Promise<string> {
    let head = read ? read.head : await this.table.get<FeedHead>(HEAD.pk, HEAD.sk);
    const ms = Math.max(this.clock.now(), (head?.doc.ms ?? 0) + 1);
    for (let attempt = 0; attempt < 8; attempt++) {
      try {
        await this.table.put<FeedHead>(HEAD.pk, HEAD.sk, { ms }, (head?.v ?? 0) + 1, head ? { ifVersion: head.v } : { ifAbsent: true });
        return encodePosition(ms, this.suffix());
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
      // A concurrent writer moved the head. Our ms is still after every position written before we read
      // the head; we only need the head to end up at or past it, so later writers come after us.
      head = await this.table.get<FeedHead>(HEAD.pk, HEAD.sk);
      if (head && head.doc.ms >= ms) return encodePosition(ms, this.suffix());
      await sleep(Math.random() * 10 * (attempt + 1));
    }
    throw new ConflictError('the revocation feed head is being changed concurrently');
  }

  /**
   * Readers look back only `revocationFeedOverlapMs` behind the newest position they have seen. A write that
   * became visible much later than its reserved position (a slow or retried put) could fall behind that
   * window for warm readers: it is written again at a fresh position (a no-op if the record changed since).
   */
  private async republishIfLate(pk: string, doc: RevocationRecord, v: number, position: string, expiresAt: number): Promise<void> {
    if (this.clock.now() - positionMs(position) <= DEFAULTS.revocationFeedOverlapMs / 2) return;
    const fresh = await this.nextPosition();
    try {
      await this.table.put(pk, SK, doc, v + 1, { ifVersion: v, expiresAt, gsi1pk: REVOCATION_FEED, gsi1sk: fresh });
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
    }
  }

  /**
   * The record and the feed head are read in ONE consistent BatchGetItem: a jti already revoked (a replayed revoke)
   * is answered from it and writes nothing, so replays cannot load the single feed-head item. Only a new record
   * reserves a feed position, after `beforeWrite` (the per-client rate limit) admits it.
   */
  async revokeToken(input: RevokeTokenInput, opts: RevokeTokenOptions = {}): Promise<TokenRevocation> {
    requireText('jti', input.jti);
    requireEpoch('exp', input.exp);
    const record: TokenRevocation = {
      kind: 'token',
      jti: input.jti,
      ...(input.client_id ? { client_id: input.client_id } : {}),
      ...(input.sub ? { sub: input.sub } : {}),
      exp: input.exp,
      revokedAt: epochSeconds(this.clock),
      ...(input.by ? { by: input.by } : {}),
    };
    const expiresAt = retention.revokedToken(input.exp, this.opts.clockSkewSeconds);
    // Already expired beyond the skew: no verifier accepts it any more, nothing to store.
    if (expiresAt <= epochSeconds(this.clock)) return record;
    return this.putOnce(revocationKeys.token(input.jti), record, expiresAt, opts.beforeWrite);
  }

  /**
   * Put-if-absent on the feed: the record and the feed head in one consistent BatchGetItem; a record already there is
   * answered as is and nothing is written; a new one reserves a feed position (after `beforeWrite`) and a lost race
   * answers the winner's record.
   */
  private async putOnce<T extends RevocationRecord>(pk: string, record: T, expiresAt: number, beforeWrite?: () => Promise<void>): Promise<T> {
    const [existing, head] = await this.table.batchGet<unknown>([{ pk, sk: SK }, HEAD]);
    if (existing) return existing.doc as T;
    await beforeWrite?.();
    const position = await this.nextPosition({ head: head as StoredDoc<FeedHead> | undefined });
    try {
      await this.table.put(pk, SK, record, 1, { ifAbsent: true, expiresAt, gsi1pk: REVOCATION_FEED, gsi1sk: position });
      await this.republishIfLate(pk, record, 1, position, expiresAt);
      return record;
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      const again = await this.table.get<T>(pk, SK);
      if (again) return again.doc;
      throw err;
    }
  }

  revokeClient(clientId: string, opts: { notBefore: number; reason: 'revoked' | 'disabled'; by?: string }): Promise<ClientRevocation> {
    requireText('client id', clientId);
    if (opts.reason !== 'revoked' && opts.reason !== 'disabled') throw new TypeError('reason must be revoked or disabled');
    return this.moveNotBefore<ClientRevocation>(revocationKeys.client(clientId), opts.notBefore, undefined, () => ({
      kind: 'client',
      client_id: clientId,
      notBefore: opts.notBefore,
      reason: opts.reason,
      revokedAt: epochSeconds(this.clock),
      ...(opts.by ? { by: opts.by } : {}),
    }));
  }

  revokeSubject(sub: string, opts: { notBefore: number; by?: string }): Promise<SubjectRevocation> {
    requireText('sub', sub);
    return this.moveNotBefore<SubjectRevocation>(revocationKeys.subject(sub), opts.notBefore, undefined, () => ({
      kind: 'subject',
      sub,
      notBefore: opts.notBefore,
      revokedAt: epochSeconds(this.clock),
      ...(opts.by ? { by: opts.by } : {}),
    }));
  }

  /** Put-if-absent like revokeToken: the record and the feed head in one consistent BatchGetItem, a revoked grant writes nothing. */
  async revokeGrant(gid: string, input: RevokeGrantInput = {}): Promise<GrantRevocation> {
    requireText('gid', gid);
    const revokedAt = epochSeconds(this.clock);
    const record: GrantRevocation = {
      kind: 'grant',
      gid,
      ...(input.sub ? { sub: input.sub } : {}),
      ...(input.client_id ? { client_id: input.client_id } : {}),
      revokedAt,
      ...(input.by ? { by: input.by } : {}),
    };
    const expiresAt = retention.revokedGrant(revokedAt, this.opts.maxTokenLifetimeSeconds, this.opts.clockSkewSeconds, this.opts.refreshTokens?.absoluteLifetimeSeconds);
    return this.putOnce(revocationKeys.grant(gid), record, expiresAt);
  }

  revokeSession(sid: string, input: RevokeSessionInput): Promise<SessionRevocation> {
    requireText('sid', sid);
    const keep = retention.revokedGrant(input.notBefore, this.opts.maxTokenLifetimeSeconds, this.opts.clockSkewSeconds, this.opts.refreshTokens?.absoluteLifetimeSeconds);
    return this.moveNotBefore<SessionRevocation>(revocationKeys.session(sid), input.notBefore, keep, () => ({
      kind: 'session',
      sid,
      ...(input.sub ? { sub: input.sub } : {}),
      notBefore: input.notBefore,
      revokedAt: epochSeconds(this.clock),
      ...(input.by ? { by: input.by } : {}),
    }));
  }

  /** Not-before epochs only move forward: read, then a conditional put on the version read (retried on conflict). */
  private async moveNotBefore<R extends ClientRevocation | SubjectRevocation | SessionRevocation>(pk: string, notBefore: number, keepUntil: number | undefined, make: () => R): Promise<R> {
    requireEpoch('notBefore', notBefore);
    const now = epochSeconds(this.clock);
    if (notBefore > now + retention.maxNotBeforeAheadSeconds) {
      throw new RangeError(`notBefore may be at most ${retention.maxNotBeforeAheadSeconds} s in the future`);
    }
    const expiresAt = keepUntil ?? retention.notBefore(notBefore, this.opts.maxTokenLifetimeSeconds, this.opts.clockSkewSeconds);
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.table.get<R>(pk, SK);
      if (current && current.doc.notBefore >= notBefore) return current.doc;
      const record = make();
      // Every token it would cover has expired already: nothing to store.
      if (expiresAt <= epochSeconds(this.clock)) return record;
      const position = await this.nextPosition();
      try {
        const v = (current?.v ?? 0) + 1;
        await this.table.put(pk, SK, record, v, {
          ...(current ? { ifVersion: current.v } : { ifAbsent: true }),
          expiresAt,
          gsi1pk: REVOCATION_FEED,
          gsi1sk: position,
        });
        await this.republishIfLate(pk, record, v, position, expiresAt);
        return record;
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    }
    throw new ConflictError('the revocation record is being changed concurrently');
  }

  async findForToken(token: TokenFacts): Promise<RevocationHit | undefined> {
    const pks = [revocationKeys.token(token.jti), revocationKeys.client(token.client_id), revocationKeys.subject(token.sub)];
    if (token.gid !== undefined) pks.push(revocationKeys.grant(token.gid));
    if (token.sid !== undefined) pks.push(revocationKeys.session(token.sid));
    const found = await this.table.batchGet<RevocationRecord>(pks.map((pk) => ({ pk, sk: SK })));
    for (const item of found) {
      const hit = hitFor(item?.doc, token);
      if (hit) return hit;
    }
    return undefined;
  }

  async readFeed(after?: string): Promise<RevocationFeedPage> {
    const from = after ?? positionBound(this.clock.now() - this.horizonMs());
    const { items, lastSk } = await this.table.readFeed<RevocationRecord>(REVOCATION_FEED, from);
    return {
      entries: items.map((i) => ({ record: i.doc, expiresAt: i.expiresAt ?? 0, position: i.feedSk })),
      position: laterPosition(from, lastSk)!,
    };
  }
}
