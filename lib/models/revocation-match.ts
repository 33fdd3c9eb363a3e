/** The one rule deciding whether a revocation record kills a token (shared by the store's lookup and the snapshot): the records' own meaning, next to their types. */
import type { ClientRevocation, RevocationHit, RevocationRecord, TokenFacts } from './revocation';

export const clientReason = (r: Pick<ClientRevocation, 'reason'>): 'client_disabled' | 'client_revoked' =>
  r.reason === 'disabled' ? 'client_disabled' : 'client_revoked';

/** Not-before records kill every token with `iat <= notBefore` (see not-before.ts for the second granularity). */
export const issuedNotAfter = (token: TokenFacts, notBefore: number): boolean => token.iat <= notBefore;

export function hitFor(record: RevocationRecord | undefined, token: TokenFacts): RevocationHit | undefined {
  if (!record) return undefined;
  switch (record.kind) {
    case 'token':
      return record.jti === token.jti ? { reason: 'revoked', record } : undefined;
    case 'client':
      return record.client_id === token.client_id && issuedNotAfter(token, record.notBefore)
        ? { reason: clientReason(record), record }
        : undefined;
    case 'subject':
      return record.sub === token.sub && issuedNotAfter(token, record.notBefore) ? { reason: 'subject_revoked', record } : undefined;
    case 'grant':
      return token.gid !== undefined && record.gid === token.gid ? { reason: 'grant_revoked', record } : undefined;
    case 'session':
      return token.sid !== undefined && record.sid === token.sid && issuedNotAfter(token, record.notBefore) ? { reason: 'session_ended', record } : undefined;
  }
}

/** What revocation needs of verified access-token claims (the authorizer, introspection, explain share it). */
export function tokenFacts(c: { jti: string; client_id: string; sub: string; iat: number; exp: number; gid?: unknown; sid?: unknown }): TokenFacts {
  const facts: TokenFacts = { jti: c.jti, client_id: c.client_id, sub: c.sub, iat: c.iat, exp: c.exp };
  if (typeof c.gid === 'string' && c.gid !== '') facts.gid = c.gid;
  if (typeof c.sid === 'string' && c.sid !== '') facts.sid = c.sid;
  return facts;
}
