/**
 * The audit sink of a Lambda container, chosen by config.audit.sink:
 * `stdout` (every function, deployed and local: Lambda delivers stdout to the audit log group, the local stack
 * captures it) or `file` (the admin CLI on the local stack, whose stdout is its output).
 * The admin CLI for a deployed stage brings its own sink (infra/cli/audit/cloudwatch-writer.ts).
 */
import { systemClock, type Clock } from '../core/clock';
import type { Config } from '../config/types';
import { FileAuditSink } from './file-sink';
import { localAuditFilePath } from './local-file';
import { StdoutAuditSink, type SyncLineWriter } from './stdout-sink';
import type { AuditSink } from './types';

export interface AuditSinkDeps {
  clock?: Clock;
  /** Where the stdout sink's lines go (tests capture them); default fd 1, synchronously. */
  stdout?: SyncLineWriter;
  /** The `function` field; default config.functionName (AWS_LAMBDA_FUNCTION_NAME). */
  functionName?: string;
}

export type PortcullisAuditSink = AuditSink & {
  /** The authorizer's flush (metrics at most once a second); the audit lines themselves are already written. */
  maybeFlush(): Promise<void>;
};

export function createAuditSink(config: Config, deps: AuditSinkDeps = {}): PortcullisAuditSink {
  const clock = deps.clock ?? systemClock;
  const functionName = deps.functionName ?? config.functionName ?? 'unknown';
  if (config.audit.sink === 'file') {
    return new FileAuditSink({ file: localAuditFilePath(config.audit.file), stage: config.stage, functionName, clock });
  }
  return new StdoutAuditSink({ stage: config.stage, functionName, clock, write: deps.stdout });
}
