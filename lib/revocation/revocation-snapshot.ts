/**
 * The in-memory revocation state of one authorizer container: revoked jtis and the client / subject
 * not-before epochs that are still live. Merging is idempotent (a set, and max() for not-before),
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
}

export class RevocationSnapshot {
  /** jti → expiresAt (epoch s). */
  private readonly tokens = new Map<string, number>();
  private readonly clients = new Map<string, ClientNotBefore>();
  private readonly subjects = new Map<string, NotBefore>();

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
    if (r.kind === 'subject') {
      const cur = this.subjects.get(r.sub);
      if (cur && r.notBefore <= cur.notBefore) return false;
      this.subjects.set(r.sub, { notBefore: r.notBefore, expiresAt: entry.expiresAt });
      return true;
    }
    return false;
  }

  /** The hot path: three Map lookups. */
  lookup(token: TokenFacts): RevocationReason | null {
    if (this.tokens.has(token.jti)) return 'revoked';
    const client = this.clients.get(token.client_id);
    if (client !== undefined && issuedNotAfter(token, client.notBefore)) return clientReason(client);
    const subject = this.subjects.get(token.sub);
    if (subject !== undefined && issuedNotAfter(token, subject.notBefore)) return 'subject_revoked';
    return null;
  }

  /**
   * Drops every entry past its TTL; returns how many. An expired entry can no longer change an answer
   * (the tokens it covers are past exp + skew), so pruning only bounds memory.
   */
  prune(nowSeconds: number): number {
    let dropped = 0;
    for (const [jti, expiresAt] of this.tokens) if (expiresAt <= nowSeconds && this.tokens.delete(jti)) dropped++;
    for (const map of [this.clients, this.subjects] as Array<Map<string, NotBefore>>) {
      for (const [id, e] of map) if (e.expiresAt <= nowSeconds && map.delete(id)) dropped++;
    }
    return dropped;
  }

  size(): SnapshotSize {
    return { tokens: this.tokens.size, clients: this.clients.size, subjects: this.subjects.size };
  }
}
