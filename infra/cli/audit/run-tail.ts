/**
 * `npm run --silent audit -- tail …`: the whole command behind one call, so tests can run it
 * in-process. Exit codes: 0 done, 1 could not read the events, 2 bad usage.
 */
import { createCloudWatchLogsClient } from '../cloudwatch-logs';
import { localAuditFilePath, LOCAL_AUDIT_FILE } from '../../../lib/audit/local-file';
import { jsonLines, tableLines } from './format';
import { readCloudWatchAudit } from './read-cloudwatch';
import { NoLocalAuditFile, readLocalAudit } from './read-local';
import type { AuditRecord } from './records';
import { DEFAULT_DEPLOYED_SINCE_MS, parseTailArgs, USAGE, UsageError, type TailOptions } from './tail-args';

export interface TailIo {
  out(line: string): void;
  err(line: string): void;
  now(): number;
  /** Repository root for the local file; default the source tree's. */
  root?: string;
  /** Service name, for the default log group /<service>/<stage>/audit. */
  service?: string;
}

export async function runTail(argv: string[], io: TailIo): Promise<number> {
  let opts: TailOptions;
  try {
    opts = parseTailArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`audit: ${err.message}`);
    io.err('Run `npm run --silent audit -- --help` for the options.');
    return 2;
  }
  if (opts.help) {
    io.out(USAGE.trimEnd());
    return 0;
  }

  let records: AuditRecord[];
  try {
    records = opts.stage ? await readDeployed(opts, io) : readLocal(opts, io);
  } catch (err) {
    io.err(`audit: ${describe(err, opts)}`);
    return 1;
  }
  const lines = opts.json ? jsonLines(records) : tableLines(records);
  for (const line of lines) io.out(line);
  if (!opts.json && records.length === 0) io.err('audit: no matching events');
  return 0;
}

function readLocal(opts: TailOptions, io: TailIo): AuditRecord[] {
  const file = localAuditFilePath(opts.file ?? LOCAL_AUDIT_FILE, io.root);
  const since = opts.sinceMs === undefined ? undefined : io.now() - opts.sinceMs;
  const { records, skipped } = readLocalAudit(file, { event: opts.event, client: opts.client, since }, opts.limit);
  if (skipped) io.err(`audit: skipped ${skipped} line(s) of ${file} that are not audit events`);
  return records;
}

async function readDeployed(opts: TailOptions, io: TailIo): Promise<AuditRecord[]> {
  const client = createCloudWatchLogsClient({ region: opts.region, endpoint: opts.endpoint, timeoutMs: 10_000, maxAttempts: 3 });
  try {
    const now = io.now();
    return await readCloudWatchAudit(client, {
      logGroup: logGroupOf(opts, io),
      startTime: now - (opts.sinceMs ?? DEFAULT_DEPLOYED_SINCE_MS),
      endTime: now,
      filter: { event: opts.event, client: opts.client },
      limit: opts.limit,
    });
  } finally {
    client.destroy();
  }
}

const logGroupOf = (opts: TailOptions, io: TailIo) => opts.logGroup ?? `/${io.service ?? 'portcullis'}/${opts.stage}/audit`;

function describe(err: unknown, opts: TailOptions): string {
  if (err instanceof NoLocalAuditFile) {
    return `${err.message}. Start the local stack with \`npm start\` and make a request first, or read a deployed stage with --stage S --region R.`;
  }
  const e = err as { name?: string; message?: string };
  const where = opts.region ? ` in ${opts.region}` : '';
  if (e.name === 'ResourceNotFoundException') return `log group ${opts.logGroup ?? `/portcullis/${opts.stage}/audit`} not found${where}: is stage "${opts.stage}" deployed there?`;
  if (e.name === 'CredentialsProviderError') return `no AWS credentials: ${e.message}`;
  if (/region is missing/i.test(e.message ?? '')) return 'no AWS region: pass --region R (or set AWS_REGION / a profile region)';
  return `cannot read the audit events (${e.name ?? 'Error'}): ${e.message ?? String(err)}`;
}
