/**
 * `admin tokens list --sub SUB [--json]`: the user's refresh-token families, from ONE Query of their partition
 * (refresh#<sub>): client, created, last used, generation, expiry and state. Never a token value or hash.
 */
import { epochSeconds, systemClock } from '../../lib/core/clock';
import type { RefreshFamily } from '../../lib/models/refresh-family';
import { CliError, type CliTarget } from './context';

const iso = (s: number | undefined) => (s === undefined ? null : new Date(s * 1000).toISOString());

/** What the CLI shows of a family (the `--json` contract). */
export function describeFamily(f: RefreshFamily, nowSeconds: number) {
  return {
    family: f.gid,
    client_id: f.clientId,
    sid: f.sid,
    scope: f.scopes.join(' '),
    created_at: iso(f.createdAt),
    last_used_at: iso(f.lastUsedAt),
    generation: f.generation,
    expires_at: iso(Math.min(f.expiresAt, f.absoluteExpiresAt)),
    absolute_expires_at: iso(f.absoluteExpiresAt),
    rotation: f.rotation,
    state: f.revokedAt !== undefined ? 'revoked' : Math.min(f.expiresAt, f.absoluteExpiresAt) <= nowSeconds ? 'expired' : 'active',
    revoked_at: iso(f.revokedAt),
    revoked_reason: f.revokedReason ?? null,
  };
}

export async function runTokensCommand(sub: string | undefined, v: { sub?: string; json?: boolean }, target: CliTarget, out: (line: string) => void): Promise<number> {
  if (sub !== 'list') throw new CliError('tokens needs a subcommand: tokens list --sub SUB', 2);
  if (!v.sub) throw new CliError('tokens list needs --sub SUB', 2);
  const now = epochSeconds(systemClock);
  const families = (await target.container.refreshFamilyStore().list(v.sub)).sort((a, b) => a.createdAt - b.createdAt).map((f) => describeFamily(f, now));
  if (v.json) out(JSON.stringify({ sub: v.sub, families }));
  else if (families.length === 0) out(`no refresh tokens for ${v.sub}`);
  else {
    out('family\tclient\tcreated\tlast used\tgeneration\texpires\tstate');
    for (const f of families) out([f.family, f.client_id, f.created_at, f.last_used_at, f.generation, f.expires_at, f.state].join('\t'));
  }
  return 0;
}
