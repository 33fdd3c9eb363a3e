/** `audit tail` arguments (node:util parseArgs), validated into TailOptions. */
import { parseArgs } from 'node:util';
import { parseDuration } from './duration';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface TailOptions {
  help: boolean;
  json: boolean;
  limit: number;
  event?: string;
  client?: string;
  /** --since as milliseconds. */
  sinceMs?: number;
  /** Deployed mode when set. */
  stage?: string;
  region?: string;
  /** Deployed log group; default /<service>/<stage>/audit. */
  logGroup?: string;
  /** Local file override (hidden; tests). */
  file?: string;
  /** CloudWatch Logs endpoint override (hidden; tests). */
  endpoint?: string;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 10_000;
/** Deployed mode without --since reads this far back. */
export const DEFAULT_DEPLOYED_SINCE_MS = 24 * 3_600_000;

export const USAGE = `Usage: npm run --silent audit -- tail [options]
       npm run --silent audit -- report [options]   (report --help for its options)

Prints recent audit events, newest last (schema versions 1 and 2).

Options:
  --json              one JSON object per line
  --limit N           at most N events (default ${DEFAULT_LIMIT}, max ${MAX_LIMIT})
  --event NAME        only this event, e.g. token.denied
  --client ID         only events of this client_id
  --since DURATION    only events of the last 30s, 15m, 2h, 7d (deployed stages: default 24h)
  --stage S           read the deployed audit log group /portcullis/S/audit (default: the local stack's .local/audit.log)
  --region R          AWS region of the stage (default: the AWS environment or profile)
  --log-group NAME    read this log group instead of /portcullis/S/audit
  -h, --help          this help
`;

const EVENT_NAME = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;
const CLIENT_ID = /^[A-Za-z0-9_.:@+-]{1,128}$/;
const STAGE = /^[A-Za-z0-9-]{1,64}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

function option(message: string): never {
  throw new UsageError(message);
}

export function parseTailArgs(argv: string[]): TailOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        limit: { type: 'string' },
        event: { type: 'string' },
        client: { type: 'string' },
        since: { type: 'string' },
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
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const flag = /'([^']+)'/.exec(e.message)?.[1] ?? 'option';
      option(`unknown option ${flag}`);
    }
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') option(e.message.replace(/\.$/, '').replace(/^Option '([^']+)'.*argument.*$/, "option $1 needs a value"));
    option(e.message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true, json: false, limit: DEFAULT_LIMIT };
  if (positionals.length === 0) option('missing command: tail or report');
  if (positionals[0] !== 'tail') option(`unknown command "${positionals[0]}" (the commands are: tail, report)`);
  if (positionals.length > 1) option(`unexpected argument "${positionals[1]}"`);

  const opts: TailOptions = { help: false, json: Boolean(values.json), limit: DEFAULT_LIMIT };
  if (values.limit !== undefined) {
    const n = /^\d+$/.test(values.limit) ? Number(values.limit) : NaN;
    if (!(n >= 1 && n <= MAX_LIMIT)) option(`--limit must be a whole number from 1 to ${MAX_LIMIT}, got "${values.limit}"`);
    opts.limit = n;
  }
  if (values.event !== undefined) {
    if (!EVENT_NAME.test(values.event)) option(`--event must be an event name such as token.denied, got "${values.event}"`);
    opts.event = values.event;
  }
  if (values.client !== undefined) {
    if (!CLIENT_ID.test(values.client)) option(`--client must be a client id, got "${values.client}"`);
    opts.client = values.client;
  }
  if (values.since !== undefined) {
    const ms = parseDuration(values.since);
    if (ms === undefined) option(`--since must be a duration such as 30s, 15m, 2h or 7d, got "${values.since}"`);
    opts.sinceMs = ms;
  }
  if (values.stage !== undefined) {
    if (!STAGE.test(values.stage)) option(`--stage must be a stage name, got "${values.stage}"`);
    opts.stage = values.stage;
  }
  if (values.region !== undefined) {
    if (!REGION.test(values.region)) option(`--region must be an AWS region such as eu-west-1, got "${values.region}"`);
    opts.region = values.region;
  }
  if (values['log-group'] !== undefined) opts.logGroup = values['log-group'];
  if (values.endpoint !== undefined) opts.endpoint = values.endpoint;
  if (values.file !== undefined) opts.file = values.file;
  const deployedOnly = (['region', 'log-group', 'endpoint'] as const).find((k) => values[k] !== undefined);
  if (deployedOnly && !opts.stage) option(`--${deployedOnly} needs --stage (without --stage the local audit file is read)`);
  if (opts.stage && opts.file) option('--file reads the local stack; it cannot be combined with --stage');
  return opts;
}
