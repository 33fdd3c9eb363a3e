/**
 * Ending refresh-token families.
 *   revokeFamily          ONE conditional write marks the family revoked, then its grant is revoked through the
 *                         revocation feed (revocation#grant#<gid>): the gateway denies its access tokens within the
 *                         bound, whatever their iat. Reuse after the grace window, /oauth2/revoke, a replayed code.
 *   revokeSubjectFamilies `revoke --sub`, `users disable`, `users delete`: every family of the user (one Query, one
 *                         conditional write each); their access tokens die by the subject's not-before.
 */
import type { RefreshFamily } from '../models/refresh-family';
import type { RefreshFamilyStore, RevocationStore } from '../stores/ports';

export interface FamilyRevocation {
  nowSeconds: number;
  /** Stable code stored on the family: reused, revoked, code_reused, subject_revoked. */
  reason: string;
  /** Who: `refresh-reuse`, `client:<id>`, a CLI user. */
  by?: string;
}

/** True when this call revoked the family (false: it already was). The grant record is written either way (idempotent). */
export async function revokeFamily(
  deps: { families: RefreshFamilyStore; revocations: RevocationStore },
  f: Pick<RefreshFamily, 'sub' | 'familyKey' | 'gid' | 'clientId'>,
  r: FamilyRevocation,
): Promise<boolean> {
  const revoked = await deps.families.revoke(f.sub, f.familyKey, r);
  await deps.revocations.revokeGrant(f.gid, { sub: f.sub, client_id: f.clientId, ...(r.by ? { by: r.by } : {}) });
  return revoked;
}

/** Revokes every live family of the user; the number this call revoked. */
export async function revokeSubjectFamilies(families: RefreshFamilyStore, sub: string, r: FamilyRevocation): Promise<number> {
  let count = 0;
  for (const f of await families.list(sub)) {
    if (f.revokedAt === undefined && (await families.revoke(sub, f.familyKey, r))) count++;
  }
  return count;
}
