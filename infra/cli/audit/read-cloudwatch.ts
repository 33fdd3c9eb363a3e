/** Reads a deployed audit log group with FilterLogEvents: time window, JSON filter pattern, every page. */
import { FilterLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { matches, NewestFirstWindow, parseRecord, recordTime, type AuditRecord, type RecordFilter } from './records';

/** `{ $.event = "x" && $.client_id = "y" }`; the values were validated by tail-args (no quotes, no backslashes). */
export function filterPattern(f: Pick<RecordFilter, 'event' | 'client'>): string | undefined {
  const terms: string[] = [];
  if (f.event) terms.push(`$.event = "${f.event}"`);
  if (f.client) terms.push(`$.client_id = "${f.client}"`);
  return terms.length ? `{ ${terms.join(' && ')} }` : undefined;
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
