/** `explain` runs the authorizer's own decision code and reads its verdict from the audit event it emits. */
import type { AuditEvent, AuditSink } from '../../../lib/audit/types';

export class CapturedAudit implements AuditSink {
  readonly events: AuditEvent[] = [];
  emit(event: AuditEvent): void {
    this.events.push(event);
  }
  async flush(): Promise<void> {}
}
