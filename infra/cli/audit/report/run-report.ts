/**
 * `npm run --silent audit -- report …`: the whole command behind one call (tests run it in-process).
 * Exit codes: 0 done, 1 could not read the events, 2 bad usage.
 */
import { readFileSync } from 'node:fs';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { localAuditFilePath, LOCAL_AUDIT_FILE } from '../../../../lib/audit/local-file';
import { createCloudWatchLogsClient } from '../../cloudwatch-logs';
import { NoLocalAuditFile } from '../read-local';
import { parseRecord, type AuditRecord } from '../records';
import { UsageError } from '../tail-args';
import { parseReportArgs, REPORT_USAGE, type ReportOptions } from './report-args';
import { reportLines } from './report-format';
import { insightsReport } from './report-insights';
import { buildReport, type AuditReport, type ReportWindow } from './report-model';

export interface ReportIo {
  out(line: string): void;
  err(line: string): void;
  now(): number;
  /** Repository root for the local file; default the source tree's. */
  root?: string;
  service?: string;
  /** Tests: a client for the fake, and a short poll. */
  cloudWatch?: CloudWatchLogsClient;
  sleep?: (ms: number) => Promise<void>;
}

/** `argv` after the `report` command word. */
export async function runReport(argv: string[], io: ReportIo): Promise<number> {
  let opts: ReportOptions;
  try {
    opts = parseReportArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`audit: ${err.message}`);
    io.err('Run `npm run --silent audit -- report --help` for the options.');
    return 2;
  }
  if (opts.help) {
    io.out(REPORT_USAGE.trimEnd());
    return 0;
  }
  const until = io.now();
  const w: ReportWindow = { since: until - opts.sinceMs, until, baselineSince: until - opts.sinceMs - opts.baselineMs, top: opts.top, burst: opts.burst };
  let report: AuditReport;
  try {
    report = opts.stage ? await deployed(opts, w, io) : local(opts, w, io);
  } catch (err) {
    io.err(`audit: ${describe(err, opts)}`);
    return 1;
  }
  if (opts.json) io.out(JSON.stringify(report));
  else for (const line of reportLines(report)) io.out(line);
  return 0;
}

function local(opts: ReportOptions, w: ReportWindow, io: ReportIo): AuditReport {
  const file = localAuditFilePath(opts.file ?? LOCAL_AUDIT_FILE, io.root);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') throw new NoLocalAuditFile(file);
    throw err;
  }
  function* records(): Generator<AuditRecord> {
    for (const line of text.split('\n')) {
      const r = line ? parseRecord(line) : undefined;
      if (r) yield r;
    }
  }
  return buildReport(records(), w, file);
}

async function deployed(opts: ReportOptions, w: ReportWindow, io: ReportIo): Promise<AuditReport> {
  const client = io.cloudWatch ?? createCloudWatchLogsClient({ region: opts.region, endpoint: opts.endpoint, timeoutMs: 10_000 });
  try {
    return await insightsReport({ client, logGroup: opts.logGroup ?? `/${io.service ?? 'portcullis'}/${opts.stage}/audit`, sleep: io.sleep, now: io.now }, w);
  } finally {
    if (!io.cloudWatch) client.destroy();
  }
}

function describe(err: unknown, opts: ReportOptions): string {
  if (err instanceof NoLocalAuditFile) return `${err.message}. Start the local stack with \`npm start\` and make a request first, or report on a deployed stage with --stage S --region R.`;
  const e = err as { name?: string; message?: string };
  if (e.name === 'ResourceNotFoundException') return `log group ${opts.logGroup ?? `/portcullis/${opts.stage}/audit`} not found${opts.region ? ` in ${opts.region}` : ''}: is stage "${opts.stage}" deployed there?`;
  if (e.name === 'CredentialsProviderError') return `no AWS credentials: ${e.message}`;
  if (/region is missing/i.test(e.message ?? '')) return 'no AWS region: pass --region R (or set AWS_REGION / a profile region)';
  return `cannot report on the audit events (${e.name ?? 'Error'}): ${e.message ?? String(err)}`;
}
