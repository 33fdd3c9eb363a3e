/** An audit sink that keeps the events in memory, so tests can assert on them. */
import type { AuditEvent, AuditSink } from '../lib/audit/types';

export class MemoryAuditSink implements AuditSink {
  readonly events: AuditEvent[] = [];
  emit(event: AuditEvent): void {
    this.events.push(event);
  }
  async flush(): Promise<void> {}
}
