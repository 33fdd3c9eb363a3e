/**
 * The last resort: events CloudWatch Logs did not take are printed to stdout as JSON lines
 * marked `"audit_fallback": true` (Lambda ships stdout to the function's own log group),
 * and counted in the AuditFallback metric.
 */
import { fallbackLine, unbuildableLine, type AuditEntry, type AuditEntryBuilder } from './entry';
import type { AuditEvent } from './types';

/** What the audit sinks need of the metrics (lib/observability/metrics.ts provides it). */
export interface AuditFallbackMetrics {
  auditFallback(count: number): void;
}

export type LineWriter = (line: string) => void;

export const processStdout: LineWriter = (line) => {
  process.stdout.write(`${line}\n`);
};

export class StdoutFallback {
  constructor(
    private readonly stdout: LineWriter,
    private readonly metrics: AuditFallbackMetrics,
  ) {}

  /** Builds the entry; an event that cannot be serialized is still counted, as a fallback line without its fields. */
  build(builder: AuditEntryBuilder, event: AuditEvent, now: number): AuditEntry | undefined {
    try {
      return builder.build(event);
    } catch {
      this.line(unbuildableLine(now));
      this.count(1);
      return undefined;
    }
  }

  write(entries: readonly AuditEntry[], reason: string): void {
    if (!entries.length) return;
    for (const entry of entries) this.line(fallbackLine(entry, reason));
    this.count(entries.length);
  }

  /** Writes one line to stdout as is; never throws. */
  line(line: string): void {
    try {
      this.stdout(line);
    } catch {
      // stdout itself is gone: nothing left to write to.
    }
  }

  count(n: number): void {
    try {
      this.metrics.auditFallback(n);
    } catch {
      // metrics must never break auditing
    }
  }
}
