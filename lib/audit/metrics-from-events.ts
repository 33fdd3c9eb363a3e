/**
 * Operational metrics derived from the audit events, so every decision is counted exactly where it is
 * audited and no endpoint counts on its own. Counting is an in-memory increment; the EMF write happens
 * at most once a second per container, on the sink's flush or maybeFlush (after the audit line, which
 * emit has already written).
 */
import type { AuditEvent } from './types';
import type { PortcullisAuditSink } from './create-audit-sink';
import type { PortcullisMetrics } from '../observability/metrics';

export function countAuditEvent(metrics: PortcullisMetrics, e: AuditEvent): void {
  if (e.reason === 'internal_error') metrics.internalError();
  switch (e.event) {
    case 'token.issued':
      metrics.tokenIssued();
      break;
    case 'token.denied':
      // The OAuth error code (invalid_client, invalid_scope, …): what the alarms watch.
      metrics.tokenDenied(String(e.detail?.error ?? e.reason ?? 'unknown'));
      metrics.denial();
      if (e.detail?.error === 'invalid_client') metrics.clientAuthFailed();
      break;
    case 'token.revoked':
    case 'revocation.client':
    case 'revocation.subject':
      // token.revoked counts a token really revoked: an access token (jti) or a refresh token's family (gid).
      if (e.outcome === 'success' && (e.jti || e.detail?.gid !== undefined || e.event !== 'token.revoked')) metrics.revoked();
      if (e.outcome === 'failure' && e.detail?.error === 'invalid_client') metrics.clientAuthFailed();
      break;
    case 'token.introspected':
      if (e.outcome === 'failure' && e.detail?.error === 'invalid_client') metrics.clientAuthFailed();
      break;
    case 'authz.allowed':
      metrics.authorizerAllow();
      if (e.latency_ms !== undefined) metrics.authorizerLatency(e.latency_ms);
      break;
    case 'authz.denied':
      metrics.authorizerDeny(e.reason ?? 'unknown');
      metrics.denial();
      if (e.latency_ms !== undefined) metrics.authorizerLatency(e.latency_ms);
      break;
    case 'client.locked_out':
    case 'user.locked':
      metrics.lockout();
      break;
    case 'login.failed':
      metrics.loginFailed();
      break;
    case 'refresh.reused':
      metrics.refreshReused();
      break;
    default:
  }
}

/** The audit sink, counting metrics on emit and writing them when it flushes. */
export function withMetrics(sink: PortcullisAuditSink, metrics: PortcullisMetrics): PortcullisAuditSink {
  return {
    emit(e) {
      countAuditEvent(metrics, e);
      sink.emit(e);
    },
    async flush() {
      await sink.flush();
      // EMF lines are operational, not audit: written at most once a second per container.
      metrics.maybeFlush();
    },
    async maybeFlush() {
      await sink.maybeFlush();
      metrics.maybeFlush();
    },
  };
}
