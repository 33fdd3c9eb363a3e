/**
 * `audit report`: what a security team looks at first, over a time window. The same figures from the local file
 * (computed here from the records) and from a deployed stage (Logs Insights queries, report-insights.ts).
 */
import { recordTime, type AuditRecord } from '../records';

export interface ReportWindow {
  /** Epoch ms: the window is [since, until]. */
  since: number;
  until: number;
  /** Epoch ms: "seen for the first time" compares with what was seen from here to `since`. */
  baselineSince: number;
  /** Rows per top list. */
  top: number;
  /** Failed authentications of one client in one minute that make a burst. */
  burst: number;
}

export interface AuditReport {
  source: string;
  since: string;
  until: string;
  baseline_since: string;
  /** Audit events in the window, and of them tokens issued and denials (token endpoint and authorizer). */
  events: number;
  tokens_issued: number;
  denials: number;
  top_clients_by_tokens: { client_id: string; tokens: number }[];
  top_clients_by_denials: { client_id: string; denials: number }[];
  denials_by_reason: { event: string; reason: string; count: number }[];
  /** A minute in which one client failed authentication at least `burst` times (from `sources` addresses). */
  failed_auth_bursts: { client_id: string; minute: string; failures: number; sources: number }[];
  lockouts: { time: string; event: string; client_id?: string; sub?: string; reason?: string; lockout_seconds?: number; failures?: number }[];
  /** A client's source address not seen for it between baseline_since and since. */
  new_source_ips: { client_id: string; source_ip: string; first_seen: string }[];
  /** Lists the query limits cut short. */
  truncated?: string[];
}

export const DENIAL_EVENTS = ['token.denied', 'authz.denied'];
export const LOCKOUT_EVENTS = ['client.locked_out', 'user.locked'];

/** A failed authentication: a client's (invalid_client at any endpoint) or a user's login. */
export const isFailedAuthentication = (r: AuditRecord): boolean =>
  r.event === 'login.failed' || ((r.detail as Record<string, unknown> | undefined)?.error === 'invalid_client' && r.outcome === 'failure');

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const iso = (ms: number) => new Date(ms).toISOString();
const MINUTE = 60_000;

function top<K extends string>(counts: Map<string, number>, n: number, key: 'client_id', value: K): ({ client_id: string } & Record<K, number>)[] {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, n)
    .map(([k, v]) => ({ [key]: k, [value]: v }) as { client_id: string } & Record<K, number>);
}

const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

/** The report of `records` (any order; those outside [baselineSince, until] are ignored). */
export function buildReport(records: Iterable<AuditRecord>, w: ReportWindow, source: string): AuditReport {
  let events = 0;
  const byEvent = new Map<string, number>();
  const tokens = new Map<string, number>();
  const denials = new Map<string, number>();
  const reasons = new Map<string, number>();
  const failures = new Map<string, { count: number; sources: Set<string> }>();
  const lockouts: AuditReport['lockouts'] = [];
  const firstSeen = new Map<string, number>();
  for (const r of records) {
    const t = recordTime(r);
    if (t < w.baselineSince || t > w.until) continue;
    const client = str(r.client_id);
    const ip = str(r.source_ip);
    if (client && ip) {
      const k = JSON.stringify([client, ip]);
      const seen = firstSeen.get(k);
      if (seen === undefined || t < seen) firstSeen.set(k, t);
    }
    if (t < w.since) continue;
    events++;
    const event = String(r.event);
    bump(byEvent, event);
    if (event === 'token.issued' && client) bump(tokens, client);
    if (DENIAL_EVENTS.includes(event)) {
      if (client) bump(denials, client);
      bump(reasons, JSON.stringify([event, str(r.reason) ?? '']));
    }
    if (isFailedAuthentication(r) && client) {
      const k = JSON.stringify([client, Math.floor(t / MINUTE) * MINUTE]);
      const f = failures.get(k) ?? { count: 0, sources: new Set<string>() };
      f.count++;
      if (ip) f.sources.add(ip);
      failures.set(k, f);
    }
    if (LOCKOUT_EVENTS.includes(event)) {
      const d = (r.detail ?? {}) as Record<string, unknown>;
      lockouts.push({ time: iso(t), event, client_id: client, sub: str(r.sub), reason: str(r.reason), lockout_seconds: num(d.lockout_seconds), failures: num(d.failures) });
    }
  }
  return {
    source,
    since: iso(w.since),
    until: iso(w.until),
    baseline_since: iso(w.baselineSince),
    events,
    tokens_issued: byEvent.get('token.issued') ?? 0,
    denials: DENIAL_EVENTS.reduce((a, e) => a + (byEvent.get(e) ?? 0), 0),
    top_clients_by_tokens: top(tokens, w.top, 'client_id', 'tokens'),
    top_clients_by_denials: top(denials, w.top, 'client_id', 'denials'),
    denials_by_reason: [...reasons.entries()]
      .map(([k, count]) => {
        const [event, reason] = JSON.parse(k) as [string, string];
        return { event, reason, count };
      })
      .sort((a, b) => b.count - a.count || (a.event + a.reason < b.event + b.reason ? -1 : 1)),
    failed_auth_bursts: [...failures.entries()]
      .filter(([, f]) => f.count >= w.burst)
      .map(([k, f]) => {
        const [client_id, minute] = JSON.parse(k) as [string, number];
        return { client_id, minute: iso(minute), failures: f.count, sources: f.sources.size };
      })
      .sort((a, b) => b.failures - a.failures || (a.minute < b.minute ? -1 : 1)),
    lockouts: lockouts.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0)).map(dropUndefined),
    new_source_ips: [...firstSeen.entries()]
      .filter(([, t]) => t >= w.since)
      .map(([k, t]) => {
        const [client_id, source_ip] = JSON.parse(k) as [string, string];
        return { client_id, source_ip, first_seen: iso(t) };
      })
      .sort((a, b) => (a.first_seen < b.first_seen ? -1 : a.first_seen > b.first_seen ? 1 : 0)),
  };
}

export function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
