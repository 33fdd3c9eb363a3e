/**
 * Ending an SSO session (logout). In this order:
 *   1. revocation by `sid` through the feed, not-before = now + a margin: every access token issued in the session,
 *      for any client, is denied at the gateway within the revocation bound (zero DynamoDB calls per decision), and
 *      every refresh-token family started in it, for every client, offline_access included, is dead (the refresh
 *      grant of issue 16 reads the session's revocation record with the family: families created up to the
 *      not-before). The margin covers a token endpoint that read the session just before step 2: its token's iat
 *      (the client's authentication time) is earlier still, so it dies too.
 *   2. the session record removed: the cookie and the codes issued in it stop working (the code grant checks the
 *      session), so nothing new can be issued in the session.
 *   3. the caller clears the cookie.
 * A failure in 1 leaves everything as it was (the user retries); a failure in 2 leaves the tokens revoked and the
 * session alive until a retry. Audit `session.ended` (reason `logout`).
 */
import type { AuditEvent, AuditSink } from '../audit/types';
import type { Clock } from '../core/clock';
import { epochSeconds } from '../core/clock';
import { DEFAULTS } from '../config/defaults';
import { guardDependency } from '../core/dependency-guard';
import type { RevocationStore, SessionStore } from '../stores/ports';

export interface EndSessionDeps {
  sessions: SessionStore;
  revocations: RevocationStore;
  audit: AuditSink;
  clock: Clock;
}

export type SessionEndReason = 'logout';

export async function endSession(
  target: { sid: string; sub: string },
  reason: SessionEndReason,
  deps: EndSessionDeps,
  context: Partial<AuditEvent> = {},
): Promise<{ notBefore: number; wasLive: boolean }> {
  const notBefore = epochSeconds(deps.clock) + DEFAULTS.sessionEndMarginSeconds;
  await guardDependency(deps.revocations.revokeSession(target.sid, { notBefore, sub: target.sub, by: reason }));
  const wasLive = await guardDependency(deps.sessions.end(target.sid));
  deps.audit.emit({ ...context, event: 'session.ended', outcome: 'success', reason, sub: target.sub, detail: { ...context.detail, sid: target.sid, not_before: notBefore, was_live: wasLive } });
  return { notBefore, wasLive };
}
