/**
 * `audit report` against a deployed stage: CloudWatch Logs Insights queries over the audit log group, run at the
 * same time (StartQuery), polled until complete (GetQueryResults), and shaped into the report the local file gives.
 * Only audit events are counted (`schema_version` present: the group also holds operational logs and metrics).
 * The operator needs logs:StartQuery and logs:GetQueryResults on the group.
 */
import { GetQueryResultsCommand, StartQueryCommand, type CloudWatchLogsClient, type ResultField } from '@aws-sdk/client-cloudwatch-logs';
import { DENIAL_EVENTS, dropUndefined, LOCKOUT_EVENTS, type AuditReport, type ReportWindow } from './report-model';

const AUDIT = 'filter schema_version >= 1';
const list = (xs: string[]) => `[${xs.map((x) => JSON.stringify(x)).join(', ')}]`;
const FAILED_AUTH = `(detail.error = "invalid_client" and outcome = "failure" or event = "login.failed")`;
/** Rows a query may return (Logs Insights' own maximum). */
export const MAX_ROWS = 10_000;

/** The queries, by name; each runs over [since, until] except `firstSeen` (from baselineSince). */
export function reportQueries(w: Pick<ReportWindow, 'top'>): Record<string, string> {
  return {
    byEvent: `${AUDIT} | stats count(*) as n by event | limit ${MAX_ROWS}`,
    tokensByClient: `${AUDIT} and event = "token.issued" and ispresent(client_id) | stats count(*) as tokens by client_id | sort tokens desc | limit ${w.top}`,
    denialsByClient: `${AUDIT} and event in ${list(DENIAL_EVENTS)} and ispresent(client_id) | stats count(*) as denials by client_id | sort denials desc | limit ${w.top}`,
    denialsByReason: `${AUDIT} and event in ${list(DENIAL_EVENTS)} | stats count(*) as n by event, reason | sort n desc | limit ${MAX_ROWS}`,
    failedAuthByMinute: `${AUDIT} and ${FAILED_AUTH} and ispresent(client_id) | stats count(*) as failures, count_distinct(source_ip) as sources by client_id, bin(1m) as minute | sort failures desc | limit ${MAX_ROWS}`,
    lockouts: `${AUDIT} and event in ${list(LOCKOUT_EVENTS)} | fields @timestamp, time, event, client_id, sub, reason, detail.lockout_seconds as lockout_seconds, detail.failures as failures | sort @timestamp asc | limit ${MAX_ROWS}`,
    firstSeen: `${AUDIT} and ispresent(client_id) and ispresent(source_ip) | stats min(@timestamp) as first_seen by client_id, source_ip | limit ${MAX_ROWS}`,
  };
}

type Row = Record<string, string>;

export interface InsightsDeps {
  client: CloudWatchLogsClient;
  logGroup: string;
  /** Between polls (tests pass a short one). */
  sleep?: (ms: number) => Promise<void>;
  pollMs?: number;
  /** Give up after this long. */
  timeoutMs?: number;
  now?: () => number;
}

const toRow = (fields: ResultField[]): Row => Object.fromEntries(fields.filter((f) => f.field).map((f) => [f.field!, f.value ?? '']));
/** Logs Insights prints times as `2026-01-01 12:00:00.000` (UTC). */
export const parseInsightsTime = (s: string): number => Date.parse(/Z$|[+-]\d\d:?\d\d$/.test(s) ? s : `${s.replace(' ', 'T')}Z`);

async function runQuery(deps: InsightsDeps, query: string, startMs: number, endMs: number): Promise<Row[]> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = deps.now ?? Date.now;
  const { queryId } = await deps.client.send(
    new StartQueryCommand({ logGroupNames: [deps.logGroup], queryString: query, startTime: Math.floor(startMs / 1000), endTime: Math.ceil(endMs / 1000), limit: MAX_ROWS }),
  );
  const deadline = now() + (deps.timeoutMs ?? 120_000);
  for (;;) {
    const out = await deps.client.send(new GetQueryResultsCommand({ queryId }));
    if (out.status === 'Complete') return (out.results ?? []).map(toRow);
    if (out.status !== 'Running' && out.status !== 'Scheduled') throw new Error(`Logs Insights query ${out.status ?? 'failed'}: ${query}`);
    if (now() > deadline) throw new Error(`Logs Insights query still running after ${Math.round((deps.timeoutMs ?? 120_000) / 1000)} s`);
    await sleep(deps.pollMs ?? 500);
  }
}

const int = (s: string | undefined) => (s === undefined || s === '' ? undefined : Number(s));

export async function insightsReport(deps: InsightsDeps, w: ReportWindow): Promise<AuditReport> {
  const q = reportQueries(w);
  const names = Object.keys(q);
  const results = await Promise.all(names.map((name) => runQuery(deps, q[name], name === 'firstSeen' ? w.baselineSince : w.since, w.until)));
  const r = Object.fromEntries(names.map((n, i) => [n, results[i]])) as Record<keyof ReturnType<typeof reportQueries>, Row[]>;
  const truncated = names.filter((_, i) => results[i].length >= MAX_ROWS);
  const byEvent = new Map(r.byEvent.map((row) => [row.event, Number(row.n)]));
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    source: `log group ${deps.logGroup} (Logs Insights)`,
    since: iso(w.since),
    until: iso(w.until),
    baseline_since: iso(w.baselineSince),
    events: [...byEvent.values()].reduce((a, b) => a + b, 0),
    tokens_issued: byEvent.get('token.issued') ?? 0,
    denials: DENIAL_EVENTS.reduce((a, e) => a + (byEvent.get(e) ?? 0), 0),
    top_clients_by_tokens: r.tokensByClient.map((row) => ({ client_id: row.client_id, tokens: Number(row.tokens) })),
    top_clients_by_denials: r.denialsByClient.map((row) => ({ client_id: row.client_id, denials: Number(row.denials) })),
    denials_by_reason: r.denialsByReason
      .map((row) => ({ event: row.event, reason: row.reason ?? '', count: Number(row.n) }))
      .sort((a, b) => b.count - a.count || (a.event + a.reason < b.event + b.reason ? -1 : 1)),
    failed_auth_bursts: r.failedAuthByMinute
      .filter((row) => Number(row.failures) >= w.burst)
      .map((row) => ({ client_id: row.client_id, minute: iso(parseInsightsTime(row.minute)), failures: Number(row.failures), sources: Number(row.sources) }))
      .sort((a, b) => b.failures - a.failures || (a.minute < b.minute ? -1 : 1)),
    lockouts: r.lockouts.map((row) =>
      dropUndefined({
        time: row.time || iso(parseInsightsTime(row['@timestamp'])),
        event: row.event,
        client_id: row.client_id || undefined,
        sub: row.sub || undefined,
        reason: row.reason || undefined,
        lockout_seconds: int(row.lockout_seconds),
        failures: int(row.failures),
      }),
    ),
    new_source_ips: r.firstSeen
      .map((row) => ({ client_id: row.client_id, source_ip: row.source_ip, t: parseInsightsTime(row.first_seen) }))
      .filter((x) => x.t >= w.since)
      .sort((a, b) => a.t - b.t)
      .map((x) => ({ client_id: x.client_id, source_ip: x.source_ip, first_seen: iso(x.t) })),
    ...(truncated.length ? { truncated } : {}),
  };
}
