/**
 * Audit records as read back by `audit tail` and `audit report`: filtering and "newest N, newest last".
 * Both schema versions are read: 1 (written by the former CloudWatch Logs sink) and 2 (= 1 + `"level":"INFO"`,
 * a line of a function's stdout). The audit log group also holds the functions' other lines (operational logs,
 * EMF metrics, Lambda platform lines): an audit record is a JSON object with `event` and `schema_version`.
 */
export type AuditRecord = Record<string, unknown>;

/** Schema versions this code reads. */
export const READABLE_SCHEMA_VERSIONS = [1, 2];

export const isAuditRecord = (r: AuditRecord): boolean => typeof r.event === 'string' && typeof r.schema_version === 'number';

export interface RecordFilter {
  event?: string;
  client?: string;
  /** Epoch ms; older records are left out. */
  since?: number;
}

/** Epoch ms of a record: its `time`, else the log event timestamp. */
export function recordTime(record: AuditRecord, fallback = 0): number {
  const t = typeof record.time === 'string' ? Date.parse(record.time) : NaN;
  return Number.isNaN(t) ? fallback : t;
}

export function matches(record: AuditRecord, f: RecordFilter, timestamp = recordTime(record)): boolean {
  if (f.event !== undefined && record.event !== f.event) return false;
  if (f.client !== undefined && record.client_id !== f.client) return false;
  if (f.since !== undefined && timestamp < f.since) return false;
  return true;
}

/** Keeps the newest `limit` of what it is given, and hands them back oldest first. */
export class NewestFirstWindow {
  private items: { t: number; seq: number; record: AuditRecord }[] = [];
  private seq = 0;

  constructor(private readonly limit: number) {}

  add(record: AuditRecord, t: number): void {
    this.items.push({ t, seq: this.seq++, record });
    if (this.items.length >= this.limit * 2 + 1000) this.trim();
  }

  result(): AuditRecord[] {
    this.trim();
    return this.items.map((i) => i.record);
  }

  private trim(): void {
    this.items.sort((a, b) => a.t - b.t || a.seq - b.seq);
    if (this.items.length > this.limit) this.items = this.items.slice(this.items.length - this.limit);
  }
}

/** One audit record per line (a JSON object with `event` and `schema_version`), or undefined. */
export function parseRecord(line: string): AuditRecord | undefined {
  try {
    const v = JSON.parse(line) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) && isAuditRecord(v as AuditRecord) ? (v as AuditRecord) : undefined;
  } catch {
    return undefined;
  }
}
