/**
 * The audit sink of a Lambda container, chosen by config.audit.sink:
 * `cloudwatch` (deployed stages) or `file` (local stack: `.local/audit.log` + stdout).
 *
 * Handlers: token/revoke/introspect/admin `await audit.flush()` before answering (the event is
 * confirmed: written or fallen back); the authorizer `await audit.maybeFlush()` (amortized).
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { systemClock, type Clock } from '../core/clock';
import { DEFAULTS } from '../config/defaults';
import type { Config } from '../config/types';
import { getMetrics } from '../observability/metrics';
import { createCloudWatchLogsClient } from './cloudwatch-client';
import { CloudWatchAuditSink } from './cloudwatch-sink';
import { processStdout, StdoutFallback, type AuditFallbackMetrics, type LineWriter } from './fallback';
import { FileAuditSink } from './file-sink';
import { localAuditFilePath } from './local-file';
import { drainOnShutdown } from './shutdown';
import type { AuditSink } from './types';

export interface AuditSinkDeps {
  clock?: Clock;
  /** CloudWatch Logs client (tests point a real client at a fake server). */
  client?: CloudWatchLogsClient;
  /** Where fallback lines (and the file sink's copy) go; default process stdout. */
  stdout?: LineWriter;
  /** Counts AuditFallback; default the container's metrics (lib/observability/metrics.ts). */
  metrics?: AuditFallbackMetrics;
  /** The `function` field; default config.functionName (AWS_LAMBDA_FUNCTION_NAME). */
  functionName?: string;
  /** Print still-buffered events to stdout on SIGTERM (default true for the cloudwatch sink). */
  drainOnShutdown?: boolean;
  /** Fixed log stream name (tests). */
  streamName?: string;
  /** Confirm by journal (default: config.audit.confirm === 'journal'); the authorizer never journals. */
  journal?: boolean;
}

export type PortcullisAuditSink = AuditSink & {
  /** The authorizer's flush: awaits a write only when the buffer is older than config.audit.maxBufferAgeMs or full. */
  maybeFlush(): Promise<void>;
};

export function createAuditSink(config: Config, deps: AuditSinkDeps = {}): PortcullisAuditSink {
  const clock = deps.clock ?? systemClock;
  const stdout = deps.stdout ?? processStdout;
  const fallback = new StdoutFallback(stdout, deps.metrics ?? getMetrics(config));
  const functionName = deps.functionName ?? config.functionName ?? 'unknown';
  const audit = config.audit;

  if (audit.sink === 'file') {
    return new FileAuditSink({ file: localAuditFilePath(audit.file), stage: config.stage, functionName, clock, fallback });
  }

  const timeoutMs = audit.requestTimeoutMs ?? DEFAULTS.auditRequestTimeoutMs;
  const sink = new CloudWatchAuditSink({
    client: deps.client ?? createCloudWatchLogsClient({ region: config.region, endpoint: audit.endpoint, timeoutMs }),
    logGroup: audit.logGroup,
    stage: config.stage,
    functionName,
    clock,
    fallback,
    batchSize: audit.batchSize || DEFAULTS.auditBatchSize,
    maxBufferAgeMs: audit.maxBufferAgeMs ?? DEFAULTS.auditMaxBufferAgeMs,
    failureBackoffMs: DEFAULTS.auditFailureBackoffMs,
    streamName: deps.streamName,
    journal: deps.journal ?? audit.confirm === 'journal',
  });
  if (deps.drainOnShutdown ?? true) drainOnShutdown(sink);
  return sink;
}
