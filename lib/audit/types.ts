/**
 * Audit trail: one structured JSON event per security decision (schema documented in README, "Audit trail").
 * Version 2 = version 1 + `"level":"INFO"` (first key): each event is one line on stdout, which Lambda's JSON log
 * format keeps whole and its applicationLogLevel filters by that field. `audit tail` and `audit report` read both.
 */
export const AUDIT_SCHEMA_VERSION = 2;
/** The `level` of every audit line: Lambda drops lines below the function's applicationLogLevel (INFO at most). */
export const AUDIT_LEVEL = 'INFO';
/**
 * An event may ask for WARN instead (AuditEvent.level): a use of something the operator should not leave on, such as
 * the password grant. Still one audit line, same schema; log filters and alarms can pick it out by its level.
 */
export type AuditLevel = typeof AUDIT_LEVEL | 'WARN';

export type AuditEventName =
  | 'token.issued'
  | 'token.denied'
  | 'token.revoked'
  | 'token.introspected'
  | 'authz.allowed'
  | 'authz.denied'
  | 'client.created'
  | 'client.secret_rotated'
  | 'client.secret_retired'
  | 'client.disabled'
  | 'client.enabled'
  | 'client.updated'
  | 'client.locked_out'
  | 'revocation.client'
  | 'revocation.subject'
  | 'keys.initialized'
  | 'keys.rotated'
  | 'keys.retired'
  // People (users, the authorization code flow, OIDC sessions): user → `sub`, session → `detail.sid`,
  // refresh-token family → `detail.family`, why a session ended → `reason` (logout, user_disabled, expired).
  | 'login.succeeded'
  | 'login.failed'
  | 'user.locked'
  | 'consent.granted'
  | 'consent.denied'
  | 'consent.revoked'
  | 'code.issued'
  | 'code.reused'
  | 'authorization.denied'
  | 'user.created'
  | 'user.changed'
  | 'user.disabled'
  | 'user.enabled'
  | 'user.deleted'
  | 'refresh.reused'
  | 'id_token.issued'
  | 'userinfo.requested'
  | 'session.ended';

export interface AuditEvent {
  /** The line's `level`; default INFO. Only INFO and WARN are written (anything else is INFO). */
  level?: AuditLevel;
  /** ISO 8601 with milliseconds. Filled by the audit emitter when absent. */
  time?: string;
  event: AuditEventName;
  outcome: 'success' | 'failure';
  /** Stable reason code (invalid_client, expired, revoked, insufficient_scope, ...). */
  reason?: string;
  client_id?: string;
  sub?: string;
  jti?: string;
  scopes_requested?: string[];
  scopes_granted?: string[];
  /** `METHOD /resource`. */
  route?: string;
  source_ip?: string;
  user_agent?: string;
  request_id?: string;
  stage?: string;
  function?: string;
  latency_ms?: number;
  /** Who acted, for admin actions (CLI user / principal). */
  actor?: string;
  /** Small, non-secret extra facts (e.g. kid, not_before). */
  detail?: Record<string, string | number | boolean>;
  schema_version?: number;
  /** Unique per event (`<container>-<sequence>`), filled by the emitter. */
  event_id?: string;
}

/**
 * Where audit events go. In a function `emit` writes the event to stdout synchronously (it is out of the process
 * when emit returns) and throws only when stdout cannot take it, so the caller fails closed; `flush` has nothing
 * left to do. The admin CLI's sink for a deployed stage buffers and writes on `flush`.
 */
export interface AuditSink {
  emit(event: AuditEvent): void;
  flush(): Promise<void>;
}
