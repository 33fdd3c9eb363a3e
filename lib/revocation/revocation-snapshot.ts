/**
 * The in-memory revocation state of one authorizer container: revoked jtis and grant ids, and the client / subject /
 * session not-before epochs that are still live. Merging is idempotent (a set, and max() for not-before),
 * so records re-read in the overlap window are deduplicated by construction.
 */
import { clientReason, issuedNotAfter } from '../models/revocation-match';
import type { RevocationFeedEntry, RevocationReason, TokenFacts } from '../models/revocation';

interface NotBefore {
  notBefore: number;
  expiresAt: number;
}

interface ClientNotBefore extends NotBefore {
  reason: 'revoked' | 'disabled';
}

export interface SnapshotSize {
  tokens: number;
  clients: number;
  subjects: number;
  grants: number;
  sessions: number;
}

export class RevocationSnapshot {
  /** jti → expiresAt (epoch s). */
  private readonly tokens = new Map<string, number>();
  private readonly clients = new Map<string, ClientNotBefore>();
  private readonly subjects = new Map<string, NotBefore>();
  /** gid → expiresAt (epoch s). */
  private readonly grants = new Map<string, number>();
  private readonly sessions = new Map<string, NotBefore>();

  /**
   * Merges one feed record; records already past their TTL are ignored. True when it changed what is denied
   * (a new jti, a later not-before); false for a record already known or superseded.
   */
  apply(entry: RevocationFeedEntry, nowSeconds: number): boolean {
    if (entry.expiresAt <= nowSeconds) return false;
    const r = entry.record;
    if (r.kind === 'token') {
      const cur = this.tokens.get(r.jti);
      this.tokens.set(r.jti, Math.max(entry.expiresAt, cur ?? 0));
      return cur === undefined;
    }
    if (r.kind === 'client') {
      const cur = this.clients.get(r.client_id);
      if (cur && r.notBefore <= cur.notBefore) return false;
      this.clients.set(r.client_id, { notBefore: r.notBefore, reason: r.reason, expiresAt: entry.expiresAt });
      return true;
    }
    if (r.kind === 'subject') return moveForward(this.subjects, r.sub, r.notBefore, entry.expiresAt);
    if (r.kind === 'grant') {
      const cur = this.grants.get(r.gid);
      this.grants.set(r.gid, Math.max(entry.expiresAt, cur ?? 0));
      return cur === undefined;
    }
    if (r.kind === 'session') return moveForward(this.sessions, r.sid, r.notBefore, entry.expiresAt);
    return false;
  }

  /** The hot path: at most five Map lookups. */
  lookup(token: TokenFacts): RevocationReason | null {
    if (this.tokens.has(token.jti)) return 'revoked';
    const client = this.clients.get(token.client_id);
    if (client !== undefined && issuedNotAfter(token, client.notBefore)) return clientReason(client);
    const subject = this.subjects.get(token.sub);
    if (subject !== undefined && issuedNotAfter(token, subject.notBefore)) return 'subject_revoked';
    if (token.gid !== undefined && this.grants.has(token.gid)) return 'grant_revoked';
    if (token.sid !== undefined) {
      const session = this.sessions.get(token.sid);
      if (session !== undefined && issuedNotAfter(token, session.notBefore)) return 'session_ended';
    }
    return null;
  }

  /**
   * Drops every entry past its TTL; returns how many. An expired entry can no longer change an answer
   * (the tokens it covers are past exp + skew), so pruning only bounds memory.
   */
  prune(nowSeconds: number): number {
    let dropped = 0;
    for (const set of [this.tokens, this.grants]) {
      for (const [id, expiresAt] of set) if (expiresAt <= nowSeconds && set.delete(id)) dropped++;
    }
    for (const map of [this.clients, this.subjects, this.sessions] as Array<Map<string, NotBefore>>) {
      for (const [id, e] of map) if (e.expiresAt <= nowSeconds && map.delete(id)) dropped++;
    }
    return dropped;
  }

  size(): SnapshotSize {
    return { tokens: this.tokens.size, clients: this.clients.size, subjects: this.subjects.size, grants: this.grants.size, sessions: this.sessions.size };
  }
}

/** A not-before only moves forward; true when it did. */
function moveForward(map: Map<string, NotBefore>, id: string, notBefore: number, expiresAt: number): boolean {
  const cur = map.get(id);
  if (cur && notBefore <= cur.notBefore) return false;
  map.set(id, { notBefore, expiresAt });
  return true;
}
