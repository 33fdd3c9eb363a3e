/**
 * Audit sink writing to a CloudWatch Logs log group with PutLogEvents.
 *
 * - `emit` scrubs and serializes the event into an in-memory buffer: no I/O, never throws.
 *   A full buffer (batchSize events) starts a write in the background.
 * - `flush` writes everything buffered and resolves once each event is in CloudWatch Logs
 *   or has fallen back to stdout (`"audit_fallback": true`, metric AuditFallback).
 * - `maybeFlush` (the authorizer) flushes only when the oldest buffered event is older than
 *   maxBufferAgeMs, or the buffer is full, or a write is already running: the round trip is
 *   paid about once per maxBufferAgeMs per container, not once per decision.
 * - Any failure (error status, throttling, timeout, unreachable, refused events) sends the
 *   affected events to stdout; after a failure, CloudWatch Logs is skipped for
 *   failureBackoffMs so a CloudWatch outage does not add a timeout to every request.
 * - Delivery is at least once: a timed-out call may have been stored and also fallen back;
 *   `event_id` tells the copies apart.
 */
import {
  CreateLogStreamCommand,
  PutLogEventsCommand,
  ResourceAlreadyExistsException,
  type CloudWatchLogsClient,
} from '@aws-sdk/client-cloudwatch-logs';
import type { Clock } from '../core/clock';
import { rejectedEntries, splitIntoBatches } from './batches';
import { AuditEntryBuilder, journalLine, type AuditEntry } from './entry';
import type { StdoutFallback } from './fallback';
import type { Drainable } from './shutdown';
import { auditStreamName } from './stream-name';
import type { AuditEvent, AuditSink } from './types';

export interface CloudWatchSinkOptions {
  client: CloudWatchLogsClient;
  logGroup: string;
  stage: string;
  functionName: string;
  clock: Clock;
  fallback: StdoutFallback;
  /** Buffered events that trigger a write. */
  batchSize: number;
  /** maybeFlush() writes once the oldest buffered event is this old. */
  maxBufferAgeMs: number;
  /** After a failed call, events go straight to stdout for this long. */
  failureBackoffMs: number;
  /** Beyond this many buffered events (CloudWatch slower than the traffic), new events go to stdout at once. */
  maxBufferedEvents?: number;
  /** Fixed log stream name (tests); default `YYYY/MM/DD/<function>/<random>`. */
  streamName?: string;
  /**
   * Confirm by journal: every event is also printed to stdout when emitted (Lambda ships it to the function's
   * log group), and `flush` only writes to CloudWatch Logs when `maybeFlush` would. See README: Audit trail.
   */
  journal?: boolean;
}

const RESOLVED = Promise.resolve();

/** A short, non-secret reason for the fallback line: the error's name or network code. */
function failureReason(err: unknown): string {
  const e = err as { name?: unknown; code?: unknown; cause?: { code?: unknown }; message?: unknown; $metadata?: { httpStatusCode?: number } } | null;
  if (typeof e?.code === 'string') return e.code;
  if (typeof e?.cause?.code === 'string') return e.cause.code;
  if (typeof e?.name === 'string' && e.name !== 'Error') return e.name;
  // the SDK wraps foreign-realm errors: "AWS SDK error wrapper for Error: connect ECONNREFUSED …"
  const code = typeof e?.message === 'string' ? /\b(E[A-Z]{3,})\b/.exec(e.message)?.[1] : undefined;
  return code ?? (e?.$metadata?.httpStatusCode ? `http_${e.$metadata.httpStatusCode}` : 'error');
}

export class CloudWatchAuditSink implements AuditSink, Drainable {
  readonly streamName: string;
  private readonly builder: AuditEntryBuilder;
  private readonly batchSize: number;
  private readonly maxBuffered: number;
  private buffer: AuditEntry[] = [];
  private oldestAt = 0;
  private sending: AuditEntry[] = [];
  private inflight: Promise<void> | undefined;
  private streamReady = false;
  private skipUntil = 0;
  private skipReason = '';

  constructor(private readonly opts: CloudWatchSinkOptions) {
    this.builder = new AuditEntryBuilder(opts.stage, opts.functionName, opts.clock);
    this.batchSize = Math.max(1, Math.floor(opts.batchSize));
    this.maxBuffered = Math.max(this.batchSize, opts.maxBufferedEvents ?? 10_000);
    this.streamName = opts.streamName ?? auditStreamName(opts.functionName, opts.clock.now());
  }

  emit(event: AuditEvent): void {
    const entry = this.opts.fallback.build(this.builder, event, this.opts.clock.now());
    if (!entry) return;
    if (this.opts.journal) this.opts.fallback.line(journalLine(entry));
    if (this.buffer.length >= this.maxBuffered) {
      this.opts.fallback.write([entry], 'buffer_full');
      return;
    }
    if (this.buffer.length === 0) this.oldestAt = this.opts.clock.now();
    this.buffer.push(entry);
    if (this.buffer.length >= this.batchSize) void this.kick();
  }

  async flush(): Promise<void> {
    // Journaled events are already confirmed on stdout: they reach CloudWatch Logs in batches.
    if (this.opts.journal) return this.maybeFlush();
    return this.writeAll();
  }

  /** Writes everything buffered now, whatever the confirmation mode. */
  async writeAll(): Promise<void> {
    while (this.inflight || this.buffer.length) await this.kick();
  }

  /** The authorizer's amortized flush (see the module comment). */
  maybeFlush(): Promise<void> {
    if (this.inflight) return this.writeAll();
    if (!this.buffer.length) return RESOLVED;
    if (this.buffer.length >= this.batchSize || this.opts.clock.now() - this.oldestAt >= this.opts.maxBufferAgeMs) return this.writeAll();
    return RESOLVED;
  }

  /** Events emitted and not yet confirmed (buffered or being written). */
  get pending(): number {
    return this.buffer.length + this.sending.length;
  }

  drainToStdout(reason: string): void {
    const all = this.sending.concat(this.buffer);
    this.buffer = [];
    this.sending = [];
    this.opts.fallback.write(all, reason);
  }

  private kick(): Promise<void> {
    this.inflight ??= this.drain().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async drain(): Promise<void> {
    while (this.buffer.length) {
      this.sending = this.buffer;
      this.buffer = [];
      try {
        await this.deliver(this.sending);
      } catch (err) {
        // deliver handles its own failures; anything else still must not lose events
        this.opts.fallback.write(this.sending, failureReason(err));
      }
      this.sending = [];
    }
  }

  private async deliver(entries: AuditEntry[]): Promise<void> {
    const { batches, oversized } = splitIntoBatches(entries);
    this.opts.fallback.write(oversized, 'oversized_event');
    for (let i = 0; i < batches.length; i++) {
      if (this.opts.clock.now() < this.skipUntil) {
        this.opts.fallback.write(batches.slice(i).flat(), this.skipReason);
        return;
      }
      await this.put(batches[i]);
    }
  }

  /** Writes one batch; whatever is not stored goes to the fallback. */
  private async put(batch: AuditEntry[]): Promise<void> {
    const { client, logGroup } = this.opts;
    try {
      if (!this.streamReady) {
        try {
          await client.send(new CreateLogStreamCommand({ logGroupName: logGroup, logStreamName: this.streamName }));
        } catch (err) {
          if (!(err instanceof ResourceAlreadyExistsException) && (err as Error)?.name !== 'ResourceAlreadyExistsException') throw err;
        }
        this.streamReady = true;
      }
      const out = await client.send(new PutLogEventsCommand({ logGroupName: logGroup, logStreamName: this.streamName, logEvents: batch }));
      this.opts.fallback.write(rejectedEntries(batch, out.rejectedLogEventsInfo), 'rejected_by_cloudwatch');
    } catch (err) {
      const reason = failureReason(err);
      if (reason === 'ResourceNotFoundException') this.streamReady = false;
      this.skipUntil = this.opts.clock.now() + this.opts.failureBackoffMs;
      this.skipReason = `${reason}_backoff`.slice(0, 64);
      this.opts.fallback.write(batch, reason);
    }
  }
}
