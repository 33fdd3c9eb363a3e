/** Reads a deployed audit log group with FilterLogEvents: time window, JSON filter pattern (audit events only), every page. */
import { FilterLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { matches, NewestFirstWindow, parseRecord, recordTime, type AuditRecord, type RecordFilter } from './records';

/**
 * `{ $.schema_version >= 1 && $.event = "x" && $.client_id = "y" }`: audit events only (the group also holds the
 * functions' operational logs and metrics); the values were validated by tail-args (no quotes, no backslashes).
 */
export function filterPattern(f: Pick<RecordFilter, 'event' | 'client'>): string {
  const terms: string[] = ['$.schema_version >= 1'];
  if (f.event) terms.push(`$.event = "${f.event}"`);
  if (f.client) terms.push(`$.client_id = "${f.client}"`);
  return `{ ${terms.join(' && ')} }`;
}

export interface CloudWatchQuery {
  logGroup: string;
  startTime: number;
  endTime: number;
  filter: Pick<RecordFilter, 'event' | 'client'>;
  limit: number;
}

export async function readCloudWatchAudit(client: CloudWatchLogsClient, q: CloudWatchQuery): Promise<AuditRecord[]> {
  const window = new NewestFirstWindow(q.limit);
  const pattern = filterPattern(q.filter);
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new FilterLogEventsCommand({
        logGroupName: q.logGroup,
        startTime: q.startTime,
        endTime: q.endTime,
        filterPattern: pattern,
        nextToken,
        limit: 10_000,
      }),
    );
    for (const e of page.events ?? []) {
      const record = parseRecord(e.message ?? '');
      if (!record) continue;
      const t = recordTime(record, e.timestamp ?? 0);
      if (matches(record, { ...q.filter, since: q.startTime }, t)) window.add(record, t);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return window.result();
}
