/**
 * `explain`: the revocation row. The record that kills the token comes from RevocationStore.findForToken
 * (one consistent read of the token's jti, client, subject, grant and session records, matched by the same rule as the
 * authorizer's snapshot), with when and by whom from the record and, where audited, from the audit trail.
 * Also says when a disabled client's token is NOT covered by any record (the authorizer then allows it).
 */
import type { AuditRecord } from '../audit/records';
import type { Config } from '../../../lib/config/types';
import type { ClientStore, RevocationStore } from '../../../lib/stores/ports';
import type { AuditFinding, AuditSearch } from './audit-lookup';
import { describeAuditRecord } from './audit-lookup';
import { humanDuration, humanMs, isoSeconds } from './durations';
import { revocationBound } from './revocation-bound';
import type { ExplainCheck } from './types';
import type { RevocationHit, TokenFacts } from '../../../lib/models/revocation';
import { tokenFacts } from '../../../lib/models/revocation-match';

export interface RevocationCheckDeps {
  config: Config;
  store: RevocationStore;
  clients: ClientStore;
  nowSeconds: number;
  /** Audit trail lookup (explain.ts wires findAuditEvent); absent: not consulted. */
  findAudit?: (q: AuditSearch) => Promise<AuditFinding>;
  authorizerCacheSeconds?: number;
}

/** Token facts as the authorizer takes them from verified claims; undefined when the claims are unusable. */
export function factsOf(p: Record<string, unknown> | undefined): TokenFacts | undefined {
  if (!p) return undefined;
  const str = (v: unknown) => typeof v === 'string' && v !== '';
  if (!str(p.jti) || !str(p.client_id) || !str(p.sub) || !Number.isSafeInteger(p.iat) || !Number.isSafeInteger(p.exp)) return undefined;
  return tokenFacts(p as { jti: string; client_id: string; sub: string; iat: number; exp: number });
}

const by = (who: string | undefined) => (who ? ` by ${who}` : '');

function describeHit(hit: RevocationHit, t: TokenFacts): string {
  const r = hit.record;
  switch (r.kind) {
    case 'token':
      return `this token (jti ${r.jti}) was revoked at ${isoSeconds(r.revokedAt)}${by(r.by)}`;
    case 'client':
      return r.reason === 'disabled'
        ? `client ${r.client_id} was disabled at ${isoSeconds(r.revokedAt)}${by(r.by)}: every token it was issued up to ${isoSeconds(r.notBefore)} is revoked (this one was issued ${isoSeconds(t.iat)})`
        : `every token of client ${r.client_id} issued up to ${isoSeconds(r.notBefore)} was revoked at ${isoSeconds(r.revokedAt)}${by(r.by)} (revoke --client; this one was issued ${isoSeconds(t.iat)})`;
    case 'subject':
      return `every token for subject ${r.sub} issued up to ${isoSeconds(r.notBefore)} was revoked at ${isoSeconds(r.revokedAt)}${by(r.by)} (revoke --sub; this one was issued ${isoSeconds(t.iat)})`;
    case 'grant':
      return `its grant (gid ${r.gid}: the refresh-token family or code exchange it came from) was revoked at ${isoSeconds(r.revokedAt)}${by(r.by)}`;
    case 'session':
      return `its sign-in session ${r.sid} ended at ${isoSeconds(r.revokedAt)}${by(r.by)}: every token of the session issued up to ${isoSeconds(r.notBefore)} is revoked (this one was issued ${isoSeconds(t.iat)})`;
  }
}

const detailOf = (a: AuditRecord): Record<string, unknown> => (typeof a.detail === 'object' && a.detail !== null ? (a.detail as Record<string, unknown>) : {});

function auditSearchFor(hit: RevocationHit): AuditSearch {
  const r = hit.record;
  switch (r.kind) {
    case 'token':
      return { events: ['token.revoked'], match: (a: AuditRecord) => a.jti === r.jti, around: r.revokedAt };
    case 'client':
      return {
        events: [r.reason === 'disabled' ? 'client.disabled' : 'revocation.client'],
        client: r.client_id,
        match: (a: AuditRecord) => a.client_id === r.client_id,
        around: r.revokedAt,
      };
    case 'subject':
      return { events: ['revocation.subject'], match: (a: AuditRecord) => a.sub === r.sub, around: r.revokedAt };
    case 'grant':
      return { events: ['refresh.reused', 'code.reused', 'token.revoked'], match: (a: AuditRecord) => detailOf(a).gid === r.gid || detailOf(a).grant_id === r.gid, around: r.revokedAt };
    case 'session':
      return { events: ['session.ended'], match: (a: AuditRecord) => detailOf(a).sid === r.sid, around: r.revokedAt };
  }
}

export async function revocationCheck(facts: TokenFacts | undefined, deps: RevocationCheckDeps): Promise<ExplainCheck> {
  if (!facts) return { name: 'revocation', status: 'skip', detail: 'not checked: the token lacks usable jti, client_id, sub, iat or exp' };
  let hit: RevocationHit | undefined;
  try {
    hit = await deps.store.findForToken(facts);
  } catch (err) {
    return {
      name: 'revocation',
      status: 'fail',
      reason: 'revocation_state_stale',
      detail: `the revocation records could not be read (${err instanceof Error ? err.message : String(err)}); an authorizer that cannot read them denies (fail closed)`,
    };
  }
  const notes: string[] = [];
  if (hit) {
    if (deps.findAudit) {
      const found = await deps.findAudit(auditSearchFor(hit));
      if (found.record) notes.push(`audit trail: ${describeAuditRecord(found.record)}`);
      else notes.push(found.error ? `audit trail not readable (${found.error})` : `no matching audit event in ${found.where}`);
    }
    const age = deps.nowSeconds - hit.record.revokedAt;
    const bound = revocationBound(deps.config, deps.authorizerCacheSeconds ?? 0);
    if (age * 1000 < bound.maxMs) notes.push(`recorded ${humanDuration(age)} ago: running authorizers apply it within ${humanMs(bound.maxMs)} (${deps.config.revocation.mode} mode)`);
    return { name: 'revocation', status: 'fail', reason: hit.reason, detail: describeHit(hit, facts), notes };
  }
  const detail = `not revoked: no record for jti ${facts.jti}, client ${facts.client_id} or subject ${facts.sub} covers it`;
  let client;
  try {
    client = await deps.clients.get(facts.client_id);
  } catch {
    notes.push(`client ${facts.client_id} could not be read`);
  }
  if (client?.status === 'disabled') {
    return {
      name: 'revocation',
      status: 'warn',
      detail: `${detail}, although client ${facts.client_id} is disabled (since about ${isoSeconds(client.updatedAt)}): the authorizer still accepts this token until it expires`,
      notes: [`fix: npm run --silent admin -- revoke --client ${facts.client_id}`],
    };
  }
  if (!client && notes.length === 0) notes.push(`client ${facts.client_id} is not a client of this stage (deleted, or the token is from elsewhere)`);
  return { name: 'revocation', status: 'pass', detail, notes: notes.length ? notes : undefined };
}
