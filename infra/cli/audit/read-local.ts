/** Reads the local stack's audit file (JSON lines written by the file sink). */
import { readFileSync } from 'node:fs';
import { matches, NewestFirstWindow, parseRecord, recordTime, type AuditRecord, type RecordFilter } from './records';

export class NoLocalAuditFile extends Error {
  constructor(readonly file: string) {
    super(`no local audit log at ${file} yet`);
    this.name = 'NoLocalAuditFile';
  }
}

export interface LocalResult {
  records: AuditRecord[];
  /** Lines that were not audit JSON. */
  skipped: number;
}

export function readLocalAudit(file: string, filter: RecordFilter, limit: number): LocalResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') throw new NoLocalAuditFile(file);
    throw err;
  }
  const window = new NewestFirstWindow(limit);
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const record = parseRecord(line);
    if (!record) {
      skipped++;
      continue;
    }
    const t = recordTime(record);
    if (matches(record, filter, t)) window.add(record, t);
  }
  return { records: window.result(), skipped };
}
