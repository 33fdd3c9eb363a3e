/**
 * PutLogEvents limits: at most 10,000 events and 1,048,576 bytes per call (each event counts
 * its UTF-8 message bytes + 26), in chronological order, spanning at most 24 hours.
 */
import type { RejectedLogEventsInfo } from '@aws-sdk/client-cloudwatch-logs';
import type { AuditEntry } from './entry';

export const PUT_MAX_EVENTS = 10_000;
export const PUT_MAX_BYTES = 1_048_576;
export const PUT_EVENT_OVERHEAD_BYTES = 26;
export const PUT_MAX_SPAN_MS = 24 * 3600 * 1000;

export interface Batches {
  batches: AuditEntry[][];
  /** Events too large for any batch (cannot happen with scrubbed events; kept for safety). */
  oversized: AuditEntry[];
}

/** Sorts by timestamp (stable) and splits into batches that each fit one PutLogEvents call. */
export function splitIntoBatches(entries: AuditEntry[]): Batches {
  const sorted = entries.slice().sort((a, b) => a.timestamp - b.timestamp);
  const batches: AuditEntry[][] = [];
  const oversized: AuditEntry[] = [];
  let current: AuditEntry[] = [];
  let bytes = 0;
  for (const entry of sorted) {
    const size = Buffer.byteLength(entry.message, 'utf8') + PUT_EVENT_OVERHEAD_BYTES;
    if (size > PUT_MAX_BYTES) {
      oversized.push(entry);
      continue;
    }
    const full =
      current.length >= PUT_MAX_EVENTS ||
      bytes + size > PUT_MAX_BYTES ||
      (current.length > 0 && entry.timestamp - current[0].timestamp > PUT_MAX_SPAN_MS);
    if (full) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length) batches.push(current);
  return { batches, oversized };
}

/** The events of `batch` that CloudWatch Logs refused (too old, expired, too new). */
export function rejectedEntries(batch: AuditEntry[], info: RejectedLogEventsInfo | undefined): AuditEntry[] {
  if (!info) return [];
  const tooOldEnd = info.tooOldLogEventEndIndex ?? -1;
  const expiredEnd = info.expiredLogEventEndIndex ?? -1;
  const tooNewStart = info.tooNewLogEventStartIndex ?? Number.POSITIVE_INFINITY;
  return batch.filter((_, i) => i <= tooOldEnd || i <= expiredEnd || i >= tooNewStart);
}
