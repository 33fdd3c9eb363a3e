export { createAuditSink, type AuditSinkDeps, type PortcullisAuditSink } from './create-audit-sink';
export { LOCAL_AUDIT_FILE, localAuditFilePath } from './local-file';
export { AUDIT_LEVEL, AUDIT_SCHEMA_VERSION, type AuditEvent, type AuditEventName, type AuditSink } from './types';
