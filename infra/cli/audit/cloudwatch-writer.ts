/**
 * The admin CLI's own audit events for a deployed stage (client.created, keys.rotated, revocation.client …):
 * the CLI is not a Lambda function, so it writes them to the stage's audit log group itself, with the operator's
 * credentials (logs:CreateLogStream and logs:PutLogEvents on the group). A command emits a few events, then
 * `flush` writes them in one PutLogEvents call, in its own log stream `admin-cli/<date>/<random>`. If the call
 * fails, the events are printed to stderr marked `"audit_fallback": true` with a warning: the action happened,
 * and its record must not vanish.
 */
import { randomBytes } from 'node:crypto';
import { CreateLogStreamCommand, PutLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { Clock } from '../../../lib/core/clock';
import { AuditEntryBuilder, type AuditEntry } from '../../../lib/audit/entry';
import { fallbackLine } from '../../../lib/audit/file-sink';
import type { AuditEvent, AuditSink } from '../../../lib/audit/types';

export interface CliCloudWatchSinkOptions {
  client: CloudWatchLogsClient;
  logGroup: string;
  stage: string;
  functionName: string;
  clock: Clock;
  /** Where events go when CloudWatch Logs refuses them; default stderr. */
  stderr?: (line: string) => void;
  streamName?: string;
}

/** PutLogEvents takes at most 10,000 events a call; a CLI command writes a handful. */
const MAX_EVENTS_PER_CALL = 1_000;

export class CliCloudWatchAuditSink implements AuditSink {
  readonly streamName: string;
  private readonly builder: AuditEntryBuilder;
  private pending: AuditEntry[] = [];
  private streamReady = false;

  constructor(private readonly opts: CliCloudWatchSinkOptions) {
    this.builder = new AuditEntryBuilder(opts.stage, opts.functionName, opts.clock);
    const d = new Date(opts.clock.now()).toISOString().slice(0, 10).replace(/-/g, '/');
    this.streamName = opts.streamName ?? `admin-cli/${d}/${randomBytes(8).toString('hex')}`;
  }

  emit(event: AuditEvent): void {
    try {
      this.pending.push(this.builder.build(event));
    } catch {
      this.pending.push(this.builder.unbuildable());
    }
  }

  async flush(): Promise<void> {
    const entries = this.pending.sort((a, b) => a.timestamp - b.timestamp);
    this.pending = [];
    for (let i = 0; i < entries.length; i += MAX_EVENTS_PER_CALL) {
      const batch = entries.slice(i, i + MAX_EVENTS_PER_CALL);
      try {
        await this.put(batch);
      } catch (err) {
        this.fallback(batch.concat(entries.slice(i + MAX_EVENTS_PER_CALL)), err);
        return;
      }
    }
  }

  private async put(batch: AuditEntry[]): Promise<void> {
    const { client, logGroup } = this.opts;
    if (!this.streamReady) {
      try {
        await client.send(new CreateLogStreamCommand({ logGroupName: logGroup, logStreamName: this.streamName }));
      } catch (err) {
        if ((err as Error)?.name !== 'ResourceAlreadyExistsException') throw err;
      }
      this.streamReady = true;
    }
    const out = await client.send(new PutLogEventsCommand({ logGroupName: logGroup, logStreamName: this.streamName, logEvents: batch }));
    const r = out.rejectedLogEventsInfo;
    if (r && (r.tooOldLogEventEndIndex !== undefined || r.tooNewLogEventStartIndex !== undefined || r.expiredLogEventEndIndex !== undefined)) {
      throw Object.assign(new Error('CloudWatch Logs rejected some events'), { name: 'RejectedLogEvents' });
    }
  }

  private fallback(entries: AuditEntry[], err: unknown): void {
    const write = this.opts.stderr ?? ((l: string) => void process.stderr.write(`${l}\n`));
    const name = (err as Error)?.name ?? 'Error';
    write(`warning: ${entries.length} audit event(s) could not be written to ${this.opts.logGroup} (${name}); they follow, keep them:`);
    for (const e of entries) write(fallbackLine(e, name));
  }
}
