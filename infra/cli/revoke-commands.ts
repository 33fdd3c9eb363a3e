/** `admin revoke --client ID | --sub SUB | --jti JTI`: a not-before epoch (with --sub, the user's refresh-token families too), or one token by its jti. */
import { epochSeconds, systemClock } from '../../lib/core/clock';
import { revokeSubjectFamilies } from '../../lib/refresh/revoke-grant';
import { CliError, type CliTarget } from './context';

export async function runRevokeCommand(
  v: { client?: string; sub?: string; jti?: string; json?: boolean },
  target: CliTarget,
  out: (line: string) => void,
): Promise<number> {
  const given = [v.client, v.sub, v.jti].filter((x) => x !== undefined);
  if (given.length !== 1) throw new CliError('revoke needs exactly one of --client ID, --sub SUB, --jti JTI', 2);
  const store = target.container.revocationStore();
  const audit = target.container.audit();
  const now = epochSeconds(systemClock);
  const by = target.actor;
  let result: Record<string, unknown>;
  if (v.client !== undefined) {
    await store.revokeClient(v.client, { notBefore: now, reason: 'revoked', by });
    audit.emit({ event: 'revocation.client', outcome: 'success', client_id: v.client, actor: by, detail: { not_before: now } });
    result = { revoked: 'client', client_id: v.client, not_before: now };
  } else if (v.sub !== undefined) {
    await store.revokeSubject(v.sub, { notBefore: now, by });
    // The subject's refresh-token families end too: one Query of their partition, one conditional write each.
    const families = await revokeSubjectFamilies(target.container.refreshFamilyStore(), v.sub, { nowSeconds: now, reason: 'subject_revoked', by });
    audit.emit({ event: 'revocation.subject', outcome: 'success', sub: v.sub, actor: by, detail: { not_before: now, refresh_families: families } });
    result = { revoked: 'subject', sub: v.sub, not_before: now, refresh_families_revoked: families };
  } else {
    // The token itself is not at hand: keep the record as long as any token may live.
    const exp = now + target.config.maxTokenLifetimeSeconds;
    await store.revokeToken({ jti: v.jti!, exp, by });
    audit.emit({ event: 'token.revoked', outcome: 'success', jti: v.jti, actor: by, detail: { via: 'admin-cli' } });
    result = { revoked: 'token', jti: v.jti };
  }
  await audit.flush();
  const what = v.client !== undefined ? `every token of client ${v.client}` : v.sub !== undefined ? `every token of subject ${v.sub}` : `token ${v.jti}`;
  out(v.json ? JSON.stringify(result) : `revoked ${what} issued up to ${new Date(now * 1000).toISOString()}`);
  return 0;
}
