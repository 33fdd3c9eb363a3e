/** `audit report` arguments (node:util parseArgs), validated into ReportOptions. */
import { parseArgs } from 'node:util';
import { parseDuration } from '../duration';
import { UsageError } from '../tail-args';

export interface ReportOptions {
  help: boolean;
  json: boolean;
  sinceMs: number;
  baselineMs: number;
  top: number;
  burst: number;
  stage?: string;
  region?: string;
  logGroup?: string;
  /** Local file override (hidden; tests). */
  file?: string;
  /** CloudWatch Logs endpoint override (hidden; tests). */
  endpoint?: string;
}

export const DEFAULT_SINCE_MS = 24 * 3_600_000;
export const DEFAULT_BASELINE_MS = 7 * 24 * 3_600_000;

export const REPORT_USAGE = `Usage: npm run --silent audit -- report [options]

Summarizes the audit trail over a window: top clients by tokens issued and by denials, denials by reason,
bursts of failed authentications, lockouts, and source IPs seen for the first time per client.

Options:
  --since DURATION    the window: the last 30m, 24h (default), 7d …
  --baseline DURATION "seen for the first time" means not seen in this long before the window (default 7d)
  --top N             rows of the top lists (default 10, max 1000)
  --burst N           failed authentications of one client in one minute that make a burst (default 5)
  --json              one JSON object
  --stage S           a deployed stage: Logs Insights over /portcullis/S/audit (default: the local stack's .local/audit.log)
  --region R          AWS region of the stage
  --log-group NAME    read this log group instead of /portcullis/S/audit
  -h, --help          this help
`;

const STAGE = /^[A-Za-z0-9-]{1,64}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const fail = (m: string): never => {
  throw new UsageError(m);
};

function count(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= max)) fail(`--${name} must be a whole number from 1 to ${max}, got "${value}"`);
  return n;
}

function duration(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = parseDuration(value);
  if (ms === undefined) fail(`--${name} must be a duration such as 30m, 24h or 7d, got "${value}"`);
  return ms as number;
}

/** `argv` after the `report` command word. */
export function parseReportArgs(argv: string[]): ReportOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        since: { type: 'string' },
        baseline: { type: 'string' },
        top: { type: 'string' },
        burst: { type: 'string' },
        stage: { type: 'string' },
        region: { type: 'string' },
        'log-group': { type: 'string' },
        file: { type: 'string' },
        endpoint: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    const e = err as { code?: string; message: string };
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') fail(`unknown option ${/'([^']+)'/.exec(e.message)?.[1] ?? 'option'}`);
    fail(e.message);
  }
  const { values, positionals } = parsed!;
  const base = { help: false, json: Boolean(values.json), sinceMs: DEFAULT_SINCE_MS, baselineMs: DEFAULT_BASELINE_MS, top: 10, burst: 5 };
  if (values.help) return { ...base, help: true };
  if (positionals.length) fail(`unexpected argument "${positionals[0]}"`);
  const opts: ReportOptions = {
    ...base,
    sinceMs: duration(values.since, 'since', DEFAULT_SINCE_MS),
    baselineMs: duration(values.baseline, 'baseline', DEFAULT_BASELINE_MS),
    top: count(values.top, 'top', 10, 1000),
    burst: count(values.burst, 'burst', 5, 100_000),
  };
  if (values.stage !== undefined) {
    if (!STAGE.test(values.stage)) fail(`--stage must be a stage name, got "${values.stage}"`);
    opts.stage = values.stage;
  }
  if (values.region !== undefined) {
    if (!REGION.test(values.region)) fail(`--region must be an AWS region such as eu-west-1, got "${values.region}"`);
    opts.region = values.region;
  }
  if (values['log-group'] !== undefined) opts.logGroup = values['log-group'];
  if (values.endpoint !== undefined) opts.endpoint = values.endpoint;
  if (values.file !== undefined) opts.file = values.file;
  const deployedOnly = (['region', 'log-group', 'endpoint'] as const).find((k) => values[k] !== undefined);
  if (deployedOnly && !opts.stage) fail(`--${deployedOnly} needs --stage (without --stage the local audit file is read)`);
  if (opts.stage && opts.file) fail('--file reads the local stack; it cannot be combined with --stage');
  return opts;
}
