/** `audit report` as text: one short section per question; nothing from a record may drive the terminal. */
import type { AuditReport } from './report-model';

const printable = (v: unknown): string => (v === undefined || v === null || v === '' ? '-' : String(v).replace(/[\u0000-\u001f\u007f-\u009f]/g, '?'));

function table(headers: string[], rows: unknown[][]): string[] {
  if (!rows.length) return ['  (none)'];
  const cells = [headers, ...rows.map((r) => r.map(printable))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => String(r[i]).length)));
  return cells.map((r) => `  ${r.map((c, i) => (i === r.length - 1 ? String(c) : String(c).padEnd(widths[i]))).join('  ')}`.trimEnd());
}

export function reportLines(r: AuditReport): string[] {
  return [
    `Audit report ${r.since} → ${r.until} (${r.source})`,
    `${r.events} audit events: ${r.tokens_issued} tokens issued, ${r.denials} denials.`,
    '',
    'Top clients by tokens issued:',
    ...table(['CLIENT', 'TOKENS'], r.top_clients_by_tokens.map((x) => [x.client_id, x.tokens])),
    '',
    'Top clients by denials:',
    ...table(['CLIENT', 'DENIALS'], r.top_clients_by_denials.map((x) => [x.client_id, x.denials])),
    '',
    'Denials by reason:',
    ...table(['EVENT', 'REASON', 'COUNT'], r.denials_by_reason.map((x) => [x.event, x.reason, x.count])),
    '',
    'Bursts of failed authentications (per client and minute):',
    ...table(['MINUTE', 'CLIENT', 'FAILURES', 'SOURCES'], r.failed_auth_bursts.map((x) => [x.minute, x.client_id, x.failures, x.sources])),
    '',
    'Lockouts:',
    ...table(['TIME', 'EVENT', 'CLIENT', 'SUB', 'LOCKED_S', 'FAILURES'], r.lockouts.map((x) => [x.time, x.event, x.client_id, x.sub, x.lockout_seconds, x.failures])),
    '',
    `Source IPs seen for the first time per client (none of them since ${r.baseline_since}):`,
    ...table(['FIRST_SEEN', 'CLIENT', 'SOURCE_IP'], r.new_source_ips.map((x) => [x.first_seen, x.client_id, x.source_ip])),
    ...(r.truncated?.length ? ['', `Cut short by the query row limit: ${r.truncated.join(', ')}.`] : []),
  ];
}
