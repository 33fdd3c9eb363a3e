/**
 * A small CloudWatch Logs server speaking the JSON 1.1 wire protocol
 * (`X-Amz-Target: Logs_20140328.<Operation>`), for tests that use the real SDK client.
 * Operations: CreateLogStream, PutLogEvents (with the real batch checks), FilterLogEvents
 * (startTime/endTime, paging, `{ $.a = "x" && $.b >= 1 }` patterns), DescribeLogGroups (with retention and KMS key
 * when set), StartQuery / GetQueryResults (the Logs Insights subset of fake-logs-insights.ts).
 * It records every request and can be switched into failure modes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseInsightsQuery, runInsightsQuery, type InsightsQuery } from './fake-logs-insights';

export type FailureMode =
  /** 500 ServiceUnavailableException */
  | 'error500'
  /** 400 ThrottlingException */
  | 'throttle'
  /** Never answers (the client times out). */
  | 'hang'
  /** PutLogEvents stores only the middle of the batch and reports the rest in rejectedLogEventsInfo. */
  | 'partial';

export interface FailureOptions {
  /** Operations affected (default all). */
  operations?: string[];
  /** Number of requests that fail, then the fake heals (default: until heal()). */
  times?: number;
  /** partial: how many of the first events are "too old" and of the last "too new". */
  tooOld?: number;
  tooNew?: number;
}

export interface StoredEvent {
  logGroupName: string;
  logStreamName: string;
  timestamp: number;
  message: string;
  ingestionTime: number;
  eventId: string;
}

/** What DescribeLogGroups reports of a group besides its name. */
export interface LogGroupProps {
  retentionInDays?: number;
  kmsKeyId?: string;
  dataProtectionStatus?: 'ACTIVATED' | 'DELETED' | 'ARCHIVED' | 'DISABLED';
}

export interface RecordedRequest {
  operation: string;
  body: Record<string, unknown>;
}

const PUT_MAX_EVENTS = 10_000;
const PUT_MAX_BYTES = 1_048_576;

export class FakeCloudWatchLogs {
  readonly requests: RecordedRequest[] = [];
  /** Every request body as received, for "never appears anywhere" checks. */
  readonly rawBodies: string[] = [];
  /** Page size of FilterLogEvents (small to exercise paging). */
  filterPageSize = 50;
  private readonly groups = new Map<string, Map<string, StoredEvent[]>>();
  private failure: (FailureOptions & { mode: FailureMode }) | undefined;
  private readonly groupProps = new Map<string, LogGroupProps>();
  private readonly queries = new Map<string, { polls: number; results: { field: string; value: string }[][] }>();
  /** Every Logs Insights query string received (StartQuery). */
  readonly queryStrings: string[] = [];
  private hanging: ServerResponse[] = [];
  private seq = 0;
  private server!: Server;
  endpoint = '';

  static async start(logGroups: string[] = []): Promise<FakeCloudWatchLogs> {
    const fake = new FakeCloudWatchLogs();
    for (const g of logGroups) fake.addLogGroup(g);
    fake.server = createServer((req, res) => fake.handle(req, res));
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.endpoint = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  addLogGroup(name: string, props: LogGroupProps = {}): void {
    if (!this.groups.has(name)) this.groups.set(name, new Map());
    this.groupProps.set(name, { ...this.groupProps.get(name), ...props });
  }

  /** Seeds events directly (CLI tests). */
  seed(logGroupName: string, logStreamName: string, events: { timestamp: number; message: string }[]): void {
    this.addLogGroup(logGroupName);
    const streams = this.groups.get(logGroupName)!;
    if (!streams.has(logStreamName)) streams.set(logStreamName, []);
    const list = streams.get(logStreamName)!;
    for (const e of events) list.push({ ...e, logGroupName, logStreamName, ingestionTime: e.timestamp, eventId: String(++this.seq) });
  }

  /** Stored events, in storage order. */
  events(logGroupName?: string): StoredEvent[] {
    const out: StoredEvent[] = [];
    for (const [g, streams] of this.groups) {
      if (logGroupName && g !== logGroupName) continue;
      for (const list of streams.values()) out.push(...list);
    }
    return out;
  }

  streams(logGroupName: string): string[] {
    return [...(this.groups.get(logGroupName)?.keys() ?? [])];
  }

  calls(operation: string): RecordedRequest[] {
    return this.requests.filter((r) => r.operation === operation);
  }

  fail(mode: FailureMode, opts: FailureOptions = {}): void {
    this.failure = { mode, ...opts };
  }

  heal(): void {
    this.failure = undefined;
  }

  /** Closes the listening socket and every connection: the endpoint now refuses connections. */
  async makeUnreachable(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging = [];
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async close(): Promise<void> {
    if (this.server.listening) await this.makeUnreachable();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.startsWith('Logs_20140328.') ? target.slice('Logs_20140328.'.length) : target;
      this.rawBodies.push(raw);
      let body: Record<string, unknown> = {};
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      } catch {
        return this.error(res, 400, 'SerializationException', 'body is not JSON');
      }
      this.requests.push({ operation, body });
      const f = this.failure;
      if (f && (!f.operations || f.operations.includes(operation))) {
        if (f.times !== undefined && --f.times <= 0) this.failure = undefined;
        if (f.mode === 'error500') return this.error(res, 500, 'ServiceUnavailableException', 'The service is unavailable');
        if (f.mode === 'throttle') return this.error(res, 400, 'ThrottlingException', 'Rate exceeded');
        if (f.mode === 'hang') {
          this.hanging.push(res);
          return;
        }
      }
      try {
        const out = this.operate(operation, body, f?.mode === 'partial' ? f : undefined);
        if ('error' in out) return this.error(res, 400, String(out.error), String(out.message));
        this.json(res, 200, out);
      } catch (err) {
        this.error(res, 500, 'InternalFailure', String(err));
      }
    });
  }

  private operate(op: string, body: Record<string, unknown>, partial?: FailureOptions): Record<string, unknown> | { error: string; message: string } {
    const group = this.groups.get(String(body.logGroupName));
    switch (op) {
      case 'CreateLogStream': {
        if (!group) return { error: 'ResourceNotFoundException', message: 'The specified log group does not exist.' };
        const name = String(body.logStreamName ?? '');
        if (!name || /[:*]/.test(name)) return { error: 'InvalidParameterException', message: 'bad log stream name' };
        if (group.has(name)) return { error: 'ResourceAlreadyExistsException', message: 'The specified log stream already exists' };
        group.set(name, []);
        return {};
      }
      case 'PutLogEvents': {
        const stream = group?.get(String(body.logStreamName));
        if (!stream) return { error: 'ResourceNotFoundException', message: 'The specified log stream does not exist.' };
        const events = (body.logEvents ?? []) as { timestamp: number; message: string }[];
        if (!events.length || events.length > PUT_MAX_EVENTS) return { error: 'InvalidParameterException', message: 'bad number of events' };
        let bytes = 0;
        for (let i = 0; i < events.length; i++) {
          bytes += Buffer.byteLength(events[i].message, 'utf8') + 26;
          if (i && events[i].timestamp < events[i - 1].timestamp)
            return { error: 'InvalidParameterException', message: 'Log events in a single PutLogEvents request must be in chronological order.' };
        }
        if (bytes > PUT_MAX_BYTES) return { error: 'InvalidParameterException', message: 'Upload too large' };
        if (events[events.length - 1].timestamp - events[0].timestamp > 24 * 3600 * 1000)
          return { error: 'InvalidParameterException', message: 'A batch of log events cannot span more than 24 hours.' };
        const tooOld = Math.min(partial?.tooOld ?? 0, events.length);
        const tooNew = Math.min(partial?.tooNew ?? 0, events.length - tooOld);
        const accepted = events.slice(tooOld, events.length - tooNew);
        const now = Date.now();
        for (const e of accepted) {
          stream.push({ logGroupName: String(body.logGroupName), logStreamName: String(body.logStreamName), timestamp: e.timestamp, message: e.message, ingestionTime: now, eventId: String(++this.seq) });
        }
        const info: Record<string, number> = {};
        if (tooOld) info.tooOldLogEventEndIndex = tooOld - 1;
        if (tooNew) info.tooNewLogEventStartIndex = events.length - tooNew;
        return Object.keys(info).length ? { nextSequenceToken: String(this.seq), rejectedLogEventsInfo: info } : { nextSequenceToken: String(this.seq) };
      }
      case 'FilterLogEvents': {
        if (!group) return { error: 'ResourceNotFoundException', message: 'The specified log group does not exist.' };
        const match = compileFilterPattern(typeof body.filterPattern === 'string' ? body.filterPattern : '');
        if (!match) return { error: 'InvalidParameterException', message: 'Invalid filter pattern' };
        const start = typeof body.startTime === 'number' ? body.startTime : 0;
        const end = typeof body.endTime === 'number' ? body.endTime : Number.MAX_SAFE_INTEGER;
        const all = [...group.values()]
          .flat()
          .filter((e) => e.timestamp >= start && e.timestamp <= end && match(e.message))
          .sort((a, b) => a.timestamp - b.timestamp || Number(a.eventId) - Number(b.eventId));
        const offset = body.nextToken ? Number(body.nextToken) : 0;
        const size = Math.min(typeof body.limit === 'number' ? body.limit : 10_000, this.filterPageSize);
        const page = all.slice(offset, offset + size);
        const next = offset + size < all.length ? String(offset + size) : undefined;
        return {
          events: page.map(({ logStreamName, timestamp, message, ingestionTime, eventId }) => ({ logStreamName, timestamp, message, ingestionTime, eventId })),
          searchedLogStreams: [],
          ...(next ? { nextToken: next } : {}),
        };
      }
      case 'StartQuery': {
        const names = (body.logGroupNames as string[] | undefined) ?? (body.logGroupName ? [String(body.logGroupName)] : []);
        if (!names.length || names.some((n) => !this.groups.has(n))) return { error: 'ResourceNotFoundException', message: 'Log group does not exist' };
        let query: InsightsQuery;
        try {
          query = parseInsightsQuery(String(body.queryString ?? ''));
        } catch (err) {
          return { error: 'MalformedQueryException', message: (err as Error).message };
        }
        const start = Number(body.startTime) * 1000;
        const end = Number(body.endTime) * 1000 + 999;
        const events = names.flatMap((n) => [...this.groups.get(n)!.values()].flat()).filter((e) => e.timestamp >= start && e.timestamp <= end);
        const id = `q-${++this.seq}`;
        this.queries.set(id, { polls: 0, results: runInsightsQuery(query, events) });
        this.queryStrings.push(String(body.queryString));
        return { queryId: id };
      }
      case 'GetQueryResults': {
        const q = this.queries.get(String(body.queryId));
        if (!q) return { error: 'ResourceNotFoundException', message: 'unknown query' };
        // The first poll finds it still running, as a real query usually is.
        if (q.polls++ === 0) return { status: 'Running', results: [] };
        return { status: 'Complete', results: q.results, statistics: { recordsMatched: q.results.length, recordsScanned: 0, bytesScanned: 0 } };
      }
      case 'DescribeLogGroups': {
        const prefix = typeof body.logGroupNamePrefix === 'string' ? body.logGroupNamePrefix : '';
        return {
          logGroups: [...this.groups.keys()]
            .filter((g) => g.startsWith(prefix))
            .map((g) => ({ logGroupName: g, arn: `arn:aws:logs:us-east-1:000000000000:log-group:${g}:*`, creationTime: 0, storedBytes: 0, ...this.groupProps.get(g) })),
        };
      }
      default:
        return { error: 'UnknownOperationException', message: `unsupported operation ${op}` };
    }
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    const data = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(data), 'x-amzn-requestid': `req-${++this.seq}` });
    res.end(data);
  }

  private error(res: ServerResponse, status: number, type: string, message: string): void {
    this.json(res, status, { __type: type, message });
  }
}

/** `{ $.a = "x" && $.b >= 1 }` (or empty) → predicate on the JSON message; undefined if unsupported. */
export function compileFilterPattern(pattern: string): ((message: string) => boolean) | undefined {
  const p = pattern.trim();
  if (!p) return () => true;
  const m = /^\{(.*)\}$/.exec(p);
  if (!m) return undefined;
  const terms: ((obj: Record<string, unknown>) => boolean)[] = [];
  for (const part of m[1].split('&&')) {
    const t = /^\s*\$\.([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(part);
    if (t) {
      const [k, v] = [t[1], t[2].replace(/\\(.)/g, '$1')];
      terms.push((obj) => obj[k] === v);
      continue;
    }
    const n = /^\s*\$\.([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|>|<|=)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(part);
    if (!n) return undefined;
    const [k, op, v] = [n[1], n[2], Number(n[3])];
    terms.push((obj) => {
      const x = obj[k];
      if (typeof x !== 'number') return false;
      return op === '>=' ? x >= v : op === '<=' ? x <= v : op === '>' ? x > v : op === '<' ? x < v : x === v;
    });
  }
  return (message) => {
    try {
      const obj = JSON.parse(message) as Record<string, unknown>;
      return obj !== null && typeof obj === 'object' && terms.every((t) => t(obj));
    } catch {
      return false;
    }
  };
}
