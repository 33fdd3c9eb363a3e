/** Audit trail: one structured JSON event per security decision (schema documented in README). */
export const AUDIT_SCHEMA_VERSION = 1;

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
  | 'client.locked_out'
  | 'revocation.client'
  | 'revocation.subject'
  | 'keys.initialized'
  | 'keys.rotated'
  | 'keys.retired'
  // People: sign-in, consent and the authorization code flow (README "People").
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
  | 'user.deleted';

export interface AuditEvent {
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
  /** Unique per event (`<container>-<sequence>`), filled by the emitter: de-duplicates a batch that was both written and fallen back. */
  event_id?: string;
}

/**
 * Where audit events go. `emit` never throws and never blocks on I/O;
 * `flush` resolves once every emitted event is written or has fallen back to stdout.
 */
export interface AuditSink {
  emit(event: AuditEvent): void;
  flush(): Promise<void>;
}
