/** `audit tail` output: JSON lines, or a one-line-per-event table. */
import type { AuditRecord } from './records';

const COLUMNS: [header: string, width: number, value: (r: AuditRecord) => unknown][] = [
  ['TIME', 24, (r) => r.time],
  ['EVENT', 21, (r) => r.event],
  ['OUTCOME', 7, (r) => r.outcome],
  ['CLIENT', 24, (r) => r.client_id],
  ['REASON', 20, (r) => r.reason],
  ['ROUTE', 26, (r) => r.route],
  ['SOURCE_IP', 15, (r) => r.source_ip],
  ['MS', 0, (r) => r.latency_ms],
];

/** Nothing from a record may drive the terminal: control characters become "?". */
const printable = (v: unknown): string => {
  if (v === undefined || v === null || v === '') return '-';
  const s = Array.isArray(v) ? v.join(' ') : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
};

export function tableLines(records: AuditRecord[]): string[] {
  const row = (cells: string[]) => cells.map((c, i) => (COLUMNS[i][1] ? c.padEnd(COLUMNS[i][1]) : c)).join(' ').trimEnd();
  return [row(COLUMNS.map(([h]) => h)), ...records.map((r) => row(COLUMNS.map(([, , get]) => printable(get(r)))))];
}

export function jsonLines(records: AuditRecord[]): string[] {
  return records.map((r) => JSON.stringify(r));
}
