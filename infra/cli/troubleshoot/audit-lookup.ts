/**
 * "When and by whom", from the audit trail: the event that recorded a revocation, read with the `audit tail`
 * readers (the local stack's file, or the stage's log group with FilterLogEvents in a window around the time).
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { createCloudWatchLogsClient } from '../cloudwatch-logs';
import { localAuditFilePath } from '../../../lib/audit/local-file';
import { readCloudWatchAudit } from '../audit/read-cloudwatch';
import { readLocalAudit } from '../audit/read-local';
import { recordTime, type AuditRecord } from '../audit/records';
import type { AuditEventName } from '../../../lib/audit/types';
import type { Config } from '../../../lib/config/types';

export interface AuditSearch {
  events: AuditEventName[];
  /** Narrows the read (FilterLogEvents pattern / local filter). */
  client?: string;
  /** The record must also satisfy this. */
  match: (r: AuditRecord) => boolean;
  /** Epoch seconds the event should be near (the revocation's revokedAt). */
  around: number;
}

export interface AuditFinding {
  record?: AuditRecord;
  /** Where it was looked for, in words. */
  where: string;
  error?: string;
}

/** Searched this far on each side of the expected time (writer clocks differ; CloudWatch reads stay small). */
const WINDOW_SECONDS = 600;

export async function findAuditEvent(config: Config, q: AuditSearch, deps: { cloudWatch?: CloudWatchLogsClient } = {}): Promise<AuditFinding> {
  const local = config.audit.sink === 'file';
  const where = local ? localAuditFilePath(config.audit.file) : `log group ${config.audit.logGroup}`;
  const candidates: AuditRecord[] = [];
  try {
    for (const event of q.events) {
      if (local) {
        candidates.push(...readLocalAudit(where, { event, client: q.client, since: (q.around - WINDOW_SECONDS) * 1000 }, 1000).records);
      } else {
        const client = deps.cloudWatch ?? createCloudWatchLogsClient({ region: config.region, endpoint: config.audit.endpoint, timeoutMs: 5_000 });
        try {
          candidates.push(
            ...(await readCloudWatchAudit(client, {
              logGroup: config.audit.logGroup,
              startTime: (q.around - WINDOW_SECONDS) * 1000,
              endTime: (q.around + WINDOW_SECONDS) * 1000,
              filter: { event, client: q.client },
              limit: 100,
            })),
          );
        } finally {
          if (!deps.cloudWatch) client.destroy();
        }
      }
    }
  } catch (err) {
    return { where, error: err instanceof Error ? err.message : String(err) };
  }
  const aroundMs = q.around * 1000;
  const best = candidates
    .filter(q.match)
    .filter((r) => Math.abs(recordTime(r) - aroundMs) <= WINDOW_SECONDS * 1000)
    .sort((a, b) => Math.abs(recordTime(a) - aroundMs) - Math.abs(recordTime(b) - aroundMs))[0];
  return { record: best, where };
}

/** "2026-06-01T12:00:03.120Z client.disabled by admin-cli:alice" */
export function describeAuditRecord(r: AuditRecord): string {
  const who = typeof r.actor === 'string' ? ` by ${r.actor}` : typeof r.client_id === 'string' && r.event === 'token.revoked' ? ` by client ${r.client_id}` : '';
  return `${String(r.time ?? '?')} ${String(r.event)}${who}`;
}
